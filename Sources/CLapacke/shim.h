// LAPACKE, the C interface to LAPACK (Debian: liblapacke-dev), for symmetric eigendecomposition.
#include <lapacke.h>
