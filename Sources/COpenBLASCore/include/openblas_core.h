#ifndef DSC_OPENBLAS_CORE_H
#define DSC_OPENBLAS_CORE_H

/// The kernels this process named for OpenBLAS before it loaded (`SkylakeX`, `Haswell`), or null
/// when the environment named them or the CPU has neither AVX-512 nor AVX2 with FMA.
const char *dsc_openblas_core_chosen(void);

#endif
