#ifndef DSC_CLAPACKE_SHIM_H
#define DSC_CLAPACKE_SHIM_H
/* Swift cannot import C99 `_Complex`; give LAPACKE plain structs of the same layout instead. */
#define LAPACK_COMPLEX_CUSTOM
typedef struct { float real, imag; } dsc_complex_float;
typedef struct { double real, imag; } dsc_complex_double;
#define lapack_complex_float dsc_complex_float
#define lapack_complex_double dsc_complex_double
#include <lapacke.h>
#endif
