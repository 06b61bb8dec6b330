/* fuzz_fmt_tpm.c — the tpm attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_tpm
#include "fuzz/fmt_body.h"
