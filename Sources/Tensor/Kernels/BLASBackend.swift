#if !canImport(Accelerate)
import CBLAS
#endif

/// Which BLAS kernels run the matrix products, for diagnostics and benchmark records.
public enum BLASBackend {
    /// OpenBLAS's name for the kernel set it chose at load time ("SkylakeX", "Haswell").
    ///
    /// OpenBLAS 0.3.21 does not know recent Xeons (family 6, model 207 on the shared
    /// machines) and falls back to "Prescott" SSE3 kernels, about 4x slower for the
    /// Inception forward pass. Setting `OPENBLAS_CORETYPE=SkylakeX` (or `Haswell`) before the
    /// process starts selects the right ones; the choice cannot change once loaded. Only
    /// matters when `GEMM.backend` is `.blas` (`DCGANLAB_GEMM=blas`).
    public static var coreName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
        #endif
    }
}
