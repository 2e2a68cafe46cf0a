"""Published data sets and published results the synthesis tests reproduce.

AUDIT-C (Kriston et al. 2008, Ann Intern Med 149:879-888), as shipped with R's
mada package (data set ``AuditC``): 14 studies' TP, FN, FP, TN.
- Rows 1-6 are printed in mada's vignette ("Meta-Analysis of Diagnostic Accuracy
  with mada", Doebler & Holling), code chunk ``AuditC6``; rows 9-14 are its
  printed ``tail(AuditC)``: https://cran.r-project.org/web/packages/mada/vignettes/mada.pdf
  (source also at https://rdrr.io/rforge/mada/src/inst/doc/mada.R).
- Rows 7 and 8 are not printed there; they are read from the package's data
  file https://github.com/cran/mada/blob/master/data/AuditC.rda (version 0.5.12),
  and agree with the false-positive rates the vignette prints for all 14 studies
  (``AuditC.d$fpr``: 0.20988806 and 0.52006770 with the 0.5 correction).
The vignette's ``summary(reitsma(AuditC))`` output is the reference: logit
sensitivity 2.100 (SE 0.338), logit FPR -1.264 (SE 0.174), sensitivity 0.891
(0.808-0.941), false-positive rate 0.220 (0.167-0.285), between-study SDs 1.175
and 0.638, correlation 0.854, AUC 0.887.

BCG vaccine trials (Colditz et al. 1994, JAMA 271:698-702), as in metadat's
``dat.bcg`` / ``dat.colditz1994``:
https://github.com/wviechtb/metadat/blob/master/data-raw/dat.colditz1994.txt
Reference: metafor's test of ``rma(method="DL")`` on the log risk ratios against
Stata's ``metan``: estimate -0.7141 (-1.0644 to -0.3638), tau^2 0.3088,
I^2 92.1173 %, Q 152.2330:
https://github.com/wviechtb/metafor/blob/master/tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r
"""

from __future__ import annotations

AUDITC_TP = [47, 126, 19, 36, 130, 84, 68, 752, 59, 142, 137, 57, 34, 152]
AUDITC_FN = [9, 51, 10, 3, 19, 2, 0, 0, 5, 50, 24, 3, 1, 51]
AUDITC_FP = [101, 272, 12, 78, 211, 68, 112, 3226, 55, 571, 107, 103, 21, 88]
AUDITC_TN = [738, 1543, 192, 276, 959, 89, 423, 2977, 136, 2788, 358, 437, 56, 264]

MADA_AUDITC = {
    "mu_sens": 2.100, "se_sens": 0.338, "mu_fpr": -1.264, "se_fpr": 0.174,
    "sensitivity": (0.891, 0.808, 0.941), "false_positive_rate": (0.220, 0.167, 0.285),
    "tau_sens": 1.175, "tau_fpr": 0.638, "rho": 0.854, "auc": 0.887,
}

# BCG: (TB-positive vaccinated, TB-negative vaccinated, TB-positive control, TB-negative control)
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619), (33, 5036, 47, 5761),
    (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892), (29, 7470, 45, 7232),
    (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338), (27, 16886, 29, 17825),
]
METAFOR_BCG_DL = {"estimate": -0.7141, "ci_low": -1.0644, "ci_high": -0.3638, "tau2": 0.3088, "i2": 92.1173,
                  "q": 152.2330}
