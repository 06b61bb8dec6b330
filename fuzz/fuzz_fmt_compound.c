/* fuzz_fmt_compound.c — the compound attestation statement verifier (see fmt_body.h). */
#define FUZZ_FMT_FN fsim_fmt_compound
#include "fuzz/fmt_body.h"
