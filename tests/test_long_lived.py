"""Bulk reads of kept objects pause the cyclic collector, then freeze what they built (facekg.long_lived)."""

import gc
import threading

from facekg.long_lived import long_lived


def test_the_collector_is_paused_during_the_read_and_on_again_after():
    assert gc.isenabled()
    with long_lived():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_the_read_built_is_frozen_out_of_later_collections():
    before = gc.get_freeze_count()
    with long_lived():
        kept = [{"study": n, "facts": [[n]]} for n in range(1000)]
    assert gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()


def test_the_collector_stays_paused_until_the_last_of_two_concurrent_reads_ends():
    first_inside, release_first = threading.Event(), threading.Event()

    def first_read():
        with long_lived():
            first_inside.set()
            release_first.wait(10)

    reader = threading.Thread(target=first_read)
    reader.start()
    first_inside.wait(10)
    with long_lived():
        pass
    assert not gc.isenabled(), "the second read ended while the first still builds its objects"
    release_first.set()
    reader.join(10)
    assert gc.isenabled()
    gc.unfreeze()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
