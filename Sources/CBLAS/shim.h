#ifndef DSC_CBLAS_SHIM_H
#define DSC_CBLAS_SHIM_H
#include <cblas.h>

/// OpenBLAS thread control, declared here so Swift sees a stable signature.
static inline void dsc_openblas_set_threads(int n) { openblas_set_num_threads(n); }
static inline int dsc_openblas_get_threads(void) { return openblas_get_num_threads(); }
#endif
