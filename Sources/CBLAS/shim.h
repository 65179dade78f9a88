// OpenBLAS's CBLAS interface (Debian: libopenblas-dev). macOS builds use Accelerate instead.
#include <cblas.h>
// Thread control is an OpenBLAS extension, not part of CBLAS.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
