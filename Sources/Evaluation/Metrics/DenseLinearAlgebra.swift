import Tensor
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
import CLapacke
#endif

/// The BLAS and LAPACK calls the metrics need, in one place: OpenBLAS and LAPACKE on Linux,
/// Accelerate on macOS. Matrices are row-major unless a name says otherwise.
enum DenseLinearAlgebra {
    /// `c = aᵀa` for `a` of `rows` x `columns`: the `columns` x `columns` Gram matrix, both
    /// triangles filled.
    static func gram(_ a: [Double], rows: Int, columns: Int) -> [Double] {
        var c = [Double](repeating: 0, count: columns * columns)
        cblas_dsyrk(
            CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows),
            1, a, Int32(columns), 0, &c, Int32(columns))
        mirrorUpper(&c, size: columns)
        return c
    }

    /// `op(a) · op(b)`, where `op` transposes when asked; `m`, `n`, `k` are the sizes of
    /// the product (`m` x `n`) and of the summed dimension.
    static func multiply(
        _ a: [Double], transposeA: Bool = false, _ b: [Double], transposeB: Bool = false,
        m: Int, n: Int, k: Int
    ) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
            1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), 0, &c, Int32(n))
        return c
    }

    /// Inner products of every row of `a` (`rowsA` x `dimension`) with every row of `b`, in
    /// float32: `rowsA` x `rowsB`. Pairwise metrics only need them to float precision.
    static func innerProducts(
        _ a: UnsafePointer<Float>, rowsA: Int, _ b: UnsafePointer<Float>, rowsB: Int,
        dimension: Int, into c: UnsafeMutablePointer<Float>
    ) {
        // The engine's packed GEMM: its kernel does not depend on OpenBLAS's CPU detection.
        GEMM.multiply(a, transposeA: false, b, transposeB: true, into: c, m: rowsA, n: rowsB, k: dimension)
    }

    /// Inner products of the rows of `a` (`rows` x `dimension`) with each other, in float32;
    /// only the upper triangle (column ≥ row) of the `rows` x `rows` result is written.
    static func upperInnerProducts(
        _ a: UnsafePointer<Float>, rows: Int, dimension: Int, into c: UnsafeMutablePointer<Float>
    ) {
        cblas_ssyrk(
            CblasRowMajor, CblasUpper, CblasNoTrans, Int32(rows), Int32(dimension),
            1, a, Int32(dimension), 0, c, Int32(rows))
    }

    /// Eigenvalues (ascending) of the symmetric `n` x `n` matrix `a`, and with `vectors`
    /// its orthonormal eigenvectors, vector `j` stored contiguously at `j * n`.
    static func symmetricEigen(
        _ a: [Double], size n: Int, vectors: Bool
    ) throws -> (values: [Double], vectors: [Double]) {
        var matrix = a
        var values = [Double](repeating: 0, count: n)
        // Column-major: for a symmetric input only the eigenvector layout differs.
        let info = syevd(&matrix, &values, n: n, vectors: vectors)
        guard info == 0 else {
            throw MetricError.linearAlgebraFailure(routine: "dsyevd", info: info)
        }
        return (values, vectors ? matrix : [])
    }

    private static func mirrorUpper(_ c: inout [Double], size n: Int) {
        for i in 0..<n {
            for j in 0..<i { c[i * n + j] = c[j * n + i] }
        }
    }

    #if canImport(Accelerate)
    private static func syevd(
        _ a: inout [Double], _ w: inout [Double], n: Int, vectors: Bool
    ) -> Int {
        var jobz = CChar(UInt8(ascii: vectors ? "V" : "N")), uplo = CChar(UInt8(ascii: "U"))
        var size = __CLPK_integer(n), lda = __CLPK_integer(n), info: __CLPK_integer = 0
        var workSize = 0.0, iworkSize: __CLPK_integer = 0
        var lwork: __CLPK_integer = -1, liwork: __CLPK_integer = -1
        // First call asks LAPACK how much workspace the second needs.
        dsyevd_(
            &jobz, &uplo, &size, &a, &lda, &w, &workSize, &lwork, &iworkSize, &liwork, &info)
        guard info == 0 else { return Int(info) }
        lwork = __CLPK_integer(workSize)
        liwork = iworkSize
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [__CLPK_integer](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &size, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        return Int(info)
    }
    #else
    private static func syevd(
        _ a: inout [Double], _ w: inout [Double], n: Int, vectors: Bool
    ) -> Int {
        let jobz = CChar(UInt8(ascii: vectors ? "V" : "N"))
        return Int(
            LAPACKE_dsyevd(
                LAPACK_COL_MAJOR, jobz, CChar(UInt8(ascii: "U")), Int32(n), &a,
                Int32(n), &w))
    }
    #endif
}
