"""Curated tables for ``scripts/build_demo_corpus.py`` (kept apart so each module stays short).

Each table is reviewed by hand against ``../shared/data/studies.facts.jsonl``;
the builder checks them (sample fragments must occur in the study's text).
"""

from __future__ import annotations

# Architecture strings that plain lookup cannot resolve -> concept ids. An empty
# tuple marks an item that is not an architecture concept (input features, an
# explainability method, a non-image tool) and is kept unmapped on purpose.
ARCHITECTURE_ALIASES: dict[str, tuple[str, ...]] = {
    "compared with DeepGestalt (Face2Gene)": ("DeepGestalt",),
    "DeepGestalt (Face2Gene) gestalt scores": ("DeepGestalt",),
    "deep CNN encoder (DeepGestalt-based)": ("ConvolutionalNeuralNetwork",),
    "PEDIA combined score": ("PEDIA",),
    "PEDIA variant prioritisation": ("PEDIA",),
    "Isolation Forest normality scores": ("IsolationForest",),
    "XGBoost trained on healthy controls": ("XGBoost",),
    "CNN classifiers": ("ConvolutionalNeuralNetwork",),
    "CNN (patient vs control classifier)": ("ConvolutionalNeuralNetwork",),
    "ResNet-18 classifiers (whole face and per region)": ("ResNet18",),
    "DCNN with ArcFace loss": ("ConvolutionalNeuralNetwork",),
    "DCNN with cross-entropy loss": ("ConvolutionalNeuralNetwork",),
    "ImageNet-pretrained CNN (seven basic emotions)": ("ConvolutionalNeuralNetwork",),
    "Regional CNN emotion detector": ("RegionBasedCNN",),
    "single end-to-end CNN": ("ConvolutionalNeuralNetwork",),
    "six CNN architectures (PyTorch)": ("ConvolutionalNeuralNetwork",),
    "second CNN trained on a facial-expression database": ("ConvolutionalNeuralNetwork",),
    "TED detection network (binary CNN classifier)": ("ConvolutionalNeuralNetwork",),
    "pretrained deep convolutional network (transfer learning)": ("ConvolutionalNeuralNetwork",),
    "four-stage CNN (three facial-component segmentation CNNs"
    " + classification CNN on raw and iconized images)": ("ConvolutionalNeuralNetwork",),
    "deep learning (CNN)": ("ConvolutionalNeuralNetwork",),
    "fully convolutional network (FCN) variant": ("FullyConvolutionalNetwork",),
    "GCN + LSTM (audio)": ("GraphConvolutionalNetwork", "LSTM"),
    "region-based spatiotemporal deep learning model (CNN + recurrent)": (
        "ConvolutionalNeuralNetwork",
        "RecurrentNeuralNetwork",
    ),
    "TDtect vision transformer video model (previously trained, applied without retraining)": (
        "VisionTransformer",
    ),
    "dense neural network classifier": ("MultilayerPerceptron",),
    "two dense layers": ("MultilayerPerceptron",),
    "multilayer perceptron regression (best of seven ML models)": ("MultilayerPerceptron",),
    "deep learning model with attention scores": ("DeepLearning",),
    "deep learning system on face regions extracted from video": ("DeepLearning",),
    "enhanced deep neural network framework": ("DeepLearning",),
    "multimodal spatio-temporal deep learning (visual facial + vocal signals)": ("DeepLearning",),
    "landmark-based deep learning model": ("DeepLearning",),
    "FaceAge deep learning age-estimation model (face detection + feature extraction)": ("DeepLearning",),
    "deep feature transfer (DFT)": ("DeepLearning",),
    "neural network (machine learning) mapping to House-Brackmann scale": ("NeuralNetwork",),
    "machine learning classifiers": ("MachineLearning",),
    "seven machine learning classifiers": ("MachineLearning",),
    "ensemble of machine learning classifiers": ("MachineLearning",),
    "ensemble machine-learning pipeline": ("MachineLearning",),
    "13 supervised ML algorithms": ("MachineLearning",),
    "computer vision machine-learning algorithm (video analysis)": ("MachineLearning",),
    "machine learning classifier and regression on kinematic features": ("MachineLearning",),
    "a second machine learning method (not named in abstract)": ("MachineLearning",),
    "two traditional machine-learning models": ("ClassicalMachineLearning",),
    "linear regression vs genetic/methylation subtypes": ("LinearRegression",),
    "hierarchical constrained local model with ICA (landmark detection)": ("IndependentComponentAnalysis",),
    # Named networks whose family the facts do not state: left open rather than guessed.
    "SFTNet two-stream network": (),
    "full-temporal network (FTNet)": (),
    "single-temporal network (STNet)": (),
    "Spatial-to-Temporal Attention Module (STAM)": (),
    "spatiotemporal attention module (visual)": (),
    "periocular landmark localization network": (),
    "Clinical Face Phenotype Space": (),
    "FDNA facial dysmorphology novel analysis (automated facial point detection and measurement)": (),
    "self-supervised learning (SSL)": (),
    "transfer learning": (),
    "ImageNet transfer learning": (),
}

# Metric names that neither lookup nor dropping a parenthetical resolves.
METRIC_ALIASES: dict[str, str | None] = {
    "hazard ratio per decade of FaceAge": "HazardRatio",
    "second score (metric symbol lost in source text)": None,
    "failure rate (top-0)": None,
    "effect size (years per MC1R allele)": None,
    "hypomimia prevalence": None,
    "mean apparent age excess": None,
    "mean auto-eFACE score": None,
    "area estimation error": None,
}

# Study id -> sample counts clearly stated in its ``sample_size`` text, as
# (count, unit, the exact fragment of the text that states it). The builder
# checks that the fragment occurs in the text and contains the count.
SAMPLES: dict[str, list[tuple[int, str, str]]] = {
    "gurovich-2019-deepgestalt": [(502, "images", "final test: 502 images")],
    "hsieh-2022-gestaltmatcher": [(17560, "patients", "17,560 patients with 1,115 rare disorders")],
    "reiter-2024-three-ngp-tools": [
        (4796, "images", "4,796 patient images"),
        (323, "images", "323 control images"),
    ],
    "kong-2020-acromegaly-severity": [(2148, "images", "2,148 photographs")],
    "lin-2020-cad-facial-photo": [
        (5796, "patients", "5,796 patients for development"),
        (1013, "patients", "1,013 patients test group"),
    ],
    "liang-2020-cancer-faces": [(8124, "images", "8,124 face images of cancer patients")],
    "latorre-pellicer-2020-cdls-face2gene": [(49, "patients", "49 individuals with causative variants")],
    "kruszka-2017-22q11-diverse": [
        (101, "images", "images 101"),
        (156, "patients", "156 cases"),
        (156, "controls", "156 age/sex-matched controls"),
    ],
    "kruszka-2017-down-diverse": [
        (65, "participants", "clinical cohort 65 individuals"),
        (129, "patients", "129 cases"),
        (132, "controls", "132 controls"),
    ],
    "orphanet-2021-gs-vgg16": [
        (456, "images", "456 frontal photos"),
        (228, "patients", "228 children with genetic syndromes"),
        (228, "controls", "228 healthy children"),
    ],
    "liu-2021-williams-beuren-cnn": [(340, "participants", "340 children")],
    "huang-2024-williams-beuren-optimization": [
        (954, "images", "954 images"),
        (102, "images", "external test 102 images"),
    ],
    "yang-2021-noonan-arcface": [(420, "participants", "420 children")],
    "qin-2020-down-dcnn": [(405, "images", "405 images")],
    "abrami-2021-hypomimia-cnn": [
        (35, "patients", "35 PD patients"),
        (54, "participants", "test set 54 subjects"),
    ],
    "knoedler-2022-facial-palsy-hbs": [(51, "patients", "51 patients")],
    "aldridge-2022-facial-weakness-video": [(189, "videos", "189 public web videos")],
    "aghajani-2025-ted-resnet": [(1601, "images", "1,601 photographs")],
    "sui-2025-ted-explainable-dl": [
        (591, "images", "591 images"),
        (100, "images", "100 TED images from an independent clinic"),
    ],
    "shi-2025-cushing-multiview-dl": [
        (42, "matched pairs", "training 42 matched pairs"),
        (13, "matched pairs", "external validation 13 matched pairs"),
    ],
    "blanck-lubarsch-2022-fas-3d-ml": [(60, "participants", "60 children")],
    "han-2020-keratinocytic-face-rcnn": [
        (182348, "images", "182,348 clinical photographs"),
        (2844, "images", "2,844 images from 673 patients"),
        (673, "patients", "673 patients"),
    ],
    "pedia-2019-exome-image-analysis": [(679, "patients", "679 individuals with 105 monogenic disorders")],
    "elmas-2020-face2gene-wes": [(25, "patients", "25 patients diagnosed by WES")],
    "sterns-2025-tardive-dyskinesia-video-ai": [
        (351, "participants", "final dataset 351 participants"),
        (3979, "videos", "3,979 video responses"),
    ],
    "ciancia-2023-srs-pws-face2gene": [(52, "patients", "52 children")],
    "pascolini-2022-italian-face2gene": [(19, "patients", "19 paediatric patients")],
    "ali-2021-parkinson-online-video-retracted": [
        (1812, "videos", "1,812 videos"),
        (604, "participants", "604 individuals"),
    ],
    "vanderdonk-2019-ngp-novel-id-genes": [(71, "patients", "71 Koolen-de Vries individuals")],
    "song-2018-facial-nerve-paralysis-cnn": [(1049, "images", "1,049 clinical images")],
    "kruszka-2017-noonan-diverse": [
        (125, "participants", "125 individuals"),
        (161, "patients", "161 NS"),
        (161, "controls", "161 age/sex-matched controls"),
    ],
    "faceage-2025-cancer-prognosis": [
        (58851, "participants", "58,851 healthy individuals"),
        (4906, "patients", "pan-cancer n=4,906"),
        (573, "patients", "thoracic n=573"),
        (717, "patients", "palliative n=717"),
    ],
    "sun-2022-af-rppg-facial-video-dcnn": [
        (453, "participants", "453 participants"),
        (7320, "video segments", "7,320 30-s rPPG segments"),
    ],
    "zhang-2023-schizophrenia-facial-cnn": [
        (207, "participants", "207 participants"),
        (106, "patients", "106 schizophrenia patients"),
        (101, "controls", "101 healthy controls"),
    ],
    "kruszka-2020-turner-diverse": [(108, "patients", "108 individuals with Turner syndrome")],
    "kruszka-2018-williams-beuren-diverse": [
        (137, "participants", "137 individuals with WBS"),
        (286, "patients", "286 individuals with WBS"),
        (286, "controls", "286 sex- and age-matched controls"),
    ],
    "hennocq-2024-kabuki-ngp": [
        (1448, "images", "1,448 frontal and lateral photos"),
        (634, "participants", "634 patients"),
        (527, "controls", "527 controls"),
    ],
    "guo-2022-kbg-videoconference-ngp": [(25, "patients", "25 molecularly confirmed individuals")],
    "pascolini-2020-setd5-deepgestalt": [(18, "images per cohort", "18 frontal 2D images per cohort")],
    "pode-shakked-2020-mucolipidosis-iv-deepgestalt": [
        (50, "images", "50 facial images"),
        (10, "patients", "10 ML-IV patients"),
        (98, "controls", "98 unaffected controls"),
    ],
    "saksenberg-2024-marfan-cnn-pilot": [(672, "images", "672 online facial images")],
    "peterson-2016-blepharospasm-cert-video": [(50, "patients", "50 patients with blepharospasm")],
    "guarin-2022-als-bulbar-video": [(15, "patients", "15 people with ALS"), (11, "controls", "11 controls")],
    "oliveira-2024-post-stroke-facial-expressions": [
        (14, "patients", "14 post-stroke"),
        (11, "controls", "11 healthy controls"),
    ],
    "supratak-2025-facial-nerve-paralysis-blink": [(103, "participants", "103 subjects")],
    "novotny-2022-de-novo-pd-facial-bradykinesia": [
        (91, "patients", "91 de-novo drug-naive PD patients"),
        (75, "controls", "75 age- and sex-matched healthy controls"),
    ],
    "tenharkel-2023-sunnybrook-cnn-facial-palsy": [
        (116, "patients", "116 patients"),
        (9, "controls", "9 healthy subjects"),
    ],
    "hosseini-2022-autism-facial-mobilenet": [(3014, "images", "3,014 facial images")],
    "birnbaum-2022-ssd-bipolar-audiovisual": [(89, "participants", "89 participants")],
    "schultebraucks-2020-ptsd-mdd-audiovisual-dl": [(81, "patients", "81 patients")],
    "li-2024-sftnet-depression-microexpression": [(156, "participants", "156 participants")],
    "chen-2025-mdd-multiparadigm-audiovisual": [(89, "participants", "89 participants")],
    "jiang-2021-mdd-dbs-facial-expressions": [
        (365, "videos", "365 video interviews"),
        (12, "patients", "12 depressed patients"),
    ],
    "tdtect-2026-td-cross-dataset-cti": [(69, "videos", "69 single-participant videos")],
    "atee-2017-epat-painchek-dementia": [(40, "participants", "40 aged-care residents")],
    "chou-2025-neonatal-jaundice-smartphone-ml": [(341, "participants", "341 healthy newborns")],
    "abdalmageed-2020-cah-facial-dl": [
        (102, "patients", "102 patients with CAH"),
        (144, "controls", "144 controls"),
    ],
    "liu-2023-melasma-dl-multimode-visia": [(8010, "images", "8,010 VISIA facial images")],
    "zhang-2025-melasma-severity-dl": [(1368, "images", "1,368 anonymised facial images")],
    "dingemans-2021-koolen-de-vries-22q11-hybrid": [
        (97, "patients", "97 KdVS"),
        (48, "patients", "48 22q11.2DS"),
        (145, "controls", "145 age-, sex- and ethnicity-matched controls"),
    ],
    "park-2022-face2gene-korea-tbrs-sbbyss": [(2, "patients", "2 Korean patients")],
    "chen-2025-fragile-x-3d-facial-ml": [
        (40, "patients", "40 Chinese boys with FXS"),
        (40, "controls", "40 healthy boys"),
    ],
    "eastwood-2020-osa-3d-face-geodesic": [(400, "participants", "400 adults")],
    "monna-2022-osa-3d-craniofacial-ml": [(280, "participants", "280 Caucasian men")],
    "zhang-2022-anemia-facial-video-ed": [(316, "patients", "316 emergency department patients")],
    "turner-2024-dl-perceived-age-facial-ageing": [
        (2679, "participants", "2,679 middle-aged to elderly Dutch"),
        (1158, "participants", "validation cohort of 1,158"),
    ],
    "ang-2021-hypertension-facial-complexion": [(1099, "participants", "1,099 subjects")],
    "jbhi-2021-vitiligo-face-segmentation-cnn": [(843, "images", "843 internet vitiligo images")],
    "jhg-2019-histone-modifier-id-deepgestalt": [(120, "patients", "120 individuals with variants")],
    "adnan-pd-smile-video-screening": [
        (1452, "participants", "1,452 participants including 391 with PD"),
        (1059, "participants", "arXiv preprint: 1,059 participants"),
    ],
    "schizophrenia-2022-scz-mdd-audiovisual-ensemble": [(228, "participants", "228 participants")],
    "miller-2021-auto-eface-facial-palsy": [(160, "images", "160 photographs")],
    "scirep-hypertension-facial-regions-dl": [
        (506, "images", "506 images"),
        (375, "patients", "375 hypertensive patients"),
        (131, "controls", "131 normotensive controls"),
    ],
}
