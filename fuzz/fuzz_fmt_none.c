/* fuzz_fmt_none.c — the none attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_none
#include "fuzz/fmt_body.h"
