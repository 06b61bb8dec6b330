/* fuzz_fmt_packed.c — the packed attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_packed
#include "fuzz/fmt_body.h"
