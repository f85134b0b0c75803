#include "openblas_core.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// OpenBLAS picks its kernels once, when it is loaded, from the CPU's model number. Debian's
// OpenBLAS 0.3.21 does not know recent processors (Intel family 6 model 207, for one) and falls
// back to its oldest kernels (Prescott, SSE3): about 3x slower training there, and gradient
// checks of the convolution off by 1e-3.
//
// This runs first in the process, before any shared library is initialised (an entry of the
// executable's .preinit_array; the C library's environment is not set up yet, so it reads the
// `envp` it is given). When the environment names no kernels, it names them from the CPU's
// features (SkylakeX with AVX-512 F, BW, DQ and VL; Haswell with AVX2 and FMA) and executes the
// program again with OPENBLAS_CORETYPE set, so that OpenBLAS loads with them. An
// OPENBLAS_CORETYPE already set is never changed; where the CPU has neither, or the program
// cannot be executed again, nothing changes.

#define CHOSEN_PREFIX "DSC_OPENBLAS_CORE_CHOSEN="

static const char *core_for_this_cpu(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return 0;
}

static void dsc_choose_openblas_core(int argc, char **argv, char **envp) {
    (void)argc;
    if (envp == 0 || argv == 0 || argv[0] == 0) return;
    size_t n = 0;
    for (; envp[n] != 0; n++) {
        if (strncmp(envp[n], "OPENBLAS_CORETYPE=", 18) == 0) return;
        if (strncmp(envp[n], CHOSEN_PREFIX, strlen(CHOSEN_PREFIX)) == 0) return;
    }
    const char *core = core_for_this_cpu();
    if (core == 0) return;
    static char coretype[64];
    static char chosen[64];
    strcpy(coretype, "OPENBLAS_CORETYPE=");
    strcat(coretype, core);
    strcpy(chosen, CHOSEN_PREFIX);
    strcat(chosen, core);
    char *environment[n + 3];
    memcpy(environment, envp, n * sizeof(char *));
    environment[n] = coretype;
    environment[n + 1] = chosen;
    environment[n + 2] = 0;
    execve("/proc/self/exe", argv, environment);
    // Not executed again: OpenBLAS keeps its own choice.
}

__attribute__((section(".preinit_array"), used)) static void (*dsc_preinit_openblas_core)(int, char **, char **) =
    dsc_choose_openblas_core;

const char *dsc_openblas_core_chosen(void) {
    const char *value = getenv("DSC_OPENBLAS_CORE_CHOSEN");
    const char *set = getenv("OPENBLAS_CORETYPE");
    // Chosen here only while the environment still holds what was chosen.
    return value != 0 && set != 0 && strcmp(value, set) == 0 ? value : 0;
}
