import Foundation
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Single-precision matrix products: our packed AVX-512 GEMM, or BLAS (OpenBLAS on Linux,
/// Accelerate on macOS) for comparison.
public enum GEMM {
    /// Which implementation `multiply` uses.
    public enum Backend: String, Sendable {
        /// `PackedGEMM`: deterministic for a given thread count, independent of the BLAS build.
        case packed
        /// cblas_sgemm (OpenBLAS picks a kernel by CPU detection; on this machine's generic
        /// "Intel Xeon Processor" that is the slow SSE3 one).
        case blas
    }

    /// The switch: `DCGANLAB_GEMM=blas` or `=packed` in the environment, else packed on Linux
    /// and BLAS on macOS (Accelerate's matrix units beat our vector kernel there).
    nonisolated(unsafe) public static var backend: Backend = {
        if let name = ProcessInfo.processInfo.environment["DCGANLAB_GEMM"],
           let chosen = Backend(rawValue: name) {
            return chosen
        }
        #if canImport(Accelerate)
        return .blas
        #else
        return .packed
        #endif
    }()

    /// The arithmetic of the packed products (BLAS always multiplies in float32). Set it
    /// around a piece of work with `withPrecision`; the default is float32.
    nonisolated(unsafe) public private(set) static var precision: Precision = .float32

    /// Runs `body` with the packed products in `precision`, then restores the previous one.
    public static func withPrecision<T>(_ precision: Precision, _ body: () throws -> T) rethrows -> T {
        let previous = self.precision
        self.precision = precision
        defer { self.precision = previous }
        return try body()
    }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major with leading dimensions
    /// equal to their row lengths. `op` transposes when the flag is set. `threaded: false`
    /// keeps the product on the calling thread (for callers that split work themselves).
    public static func multiply(
        _ a: UnsafePointer<Float>, transposeA: Bool,
        _ b: UnsafePointer<Float>, transposeB: Bool,
        into c: UnsafeMutablePointer<Float>,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0, threaded: Bool = true
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 {
                c.update(repeating: 0, count: m * n)
            } else {
                for i in 0..<(m * n) { c[i] *= beta }
            }
            return
        }
        switch backend {
        case .packed where precision == .bfloat16:
            PackedBFloat16GEMM.multiply(a, transposeA: transposeA, b, transposeB: transposeB,
                                        into: c, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                        threaded: threaded)
        case .packed:
            PackedGEMM.multiply(a, transposeA: transposeA, b, transposeB: transposeB, into: c,
                                m: m, n: n, k: k, alpha: alpha, beta: beta, threaded: threaded)
        case .blas:
            cblas_sgemm(
                CblasRowMajor,
                transposeA ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(transposeA ? m : k),
                b, Int32(transposeB ? k : n),
                beta, c, Int32(n))
        }
    }

    /// C[m×n] = alpha · op(A) · op(B) + beta · C with op(A) prepared once for many products.
    /// `ldb` and `ldc` are the row lengths of the stored B and C when these are column blocks
    /// of wider matrices (default: their own widths).
    public static func multiply(
        _ left: GEMMLeftOperand, _ b: UnsafePointer<Float>, transposeB: Bool,
        into c: UnsafeMutablePointer<Float>, n: Int, alpha: Float = 1, beta: Float = 0,
        threaded: Bool = true, ldb: Int? = nil, ldc: Int? = nil
    ) {
        guard n > 0, left.m > 0 else { return }
        let ldbValue = ldb ?? (transposeB ? left.k : n), ldcValue = ldc ?? n
        if let pairs = left.packedPairs, backend == .packed, left.k > 0 {
            return PackedBFloat16GEMM.multiply(
                left.a, transposeA: left.transposed, b, transposeB: transposeB, into: c,
                m: left.m, n: n, k: left.k, alpha: alpha, beta: beta, threaded: threaded,
                packedA: UnsafePointer(pairs), ldb: ldbValue, ldc: ldcValue)
        }
        if let packed = left.packed, backend == .packed, left.k > 0 {
            return PackedGEMM.multiply(
                left.a, transposeA: left.transposed, b, transposeB: transposeB, into: c,
                m: left.m, n: n, k: left.k, alpha: alpha, beta: beta, threaded: threaded,
                packedA: UnsafePointer(packed), ldb: ldbValue, ldc: ldcValue)
        }
        if ldb == nil && ldc == nil {
            return multiply(left.a, transposeA: left.transposed, b, transposeB: transposeB, into: c,
                            m: left.m, n: n, k: left.k, alpha: alpha, beta: beta, threaded: threaded)
        }
        precondition(left.k > 0, "GEMM: strided product with k = 0")
        switch backend {
        case .packed where precision == .bfloat16:
            PackedBFloat16GEMM.multiply(
                left.a, transposeA: left.transposed, b, transposeB: transposeB, into: c,
                m: left.m, n: n, k: left.k, alpha: alpha, beta: beta, threaded: threaded,
                ldb: ldbValue, ldc: ldcValue)
        case .packed:
            PackedGEMM.multiply(left.a, transposeA: left.transposed, b, transposeB: transposeB,
                                into: c, m: left.m, n: n, k: left.k, alpha: alpha, beta: beta,
                                threaded: threaded, ldb: ldbValue, ldc: ldcValue)
        case .blas:
            cblas_sgemm(
                CblasRowMajor, left.transposed ? CblasTrans : CblasNoTrans,
                transposeB ? CblasTrans : CblasNoTrans,
                Int32(left.m), Int32(n), Int32(left.k), alpha,
                left.a, Int32(left.transposed ? left.m : left.k),
                b, Int32(ldbValue), beta, c, Int32(ldcValue))
        }
    }
}

/// The left operand op(A) [m × k] of many products, packed once into the layout our GEMM reads
/// (with BLAS, just the matrix): a convolution multiplies the same weights once per image.
/// Packed in the precision current at creation.
public final class GEMMLeftOperand: @unchecked Sendable {
    let a: UnsafePointer<Float>
    let transposed: Bool
    let m: Int, k: Int
    let packed: UnsafeMutablePointer<Float>?
    /// The bfloat16 packing, when created under `GEMM.withPrecision(.bfloat16)`.
    let packedPairs: UnsafeMutablePointer<UInt32>?
    /// Owns `packed`; from the buffer pool, so a training step reuses the same block instead of
    /// mapping and page-faulting a fresh one for every convolution.
    private let storage: Tensor?

    /// An operand its producer wrote straight into the float32 packed layout
    /// (`PackedGEMM.LeftLayout`), owned by `storage`; only for the packed backend in float32.
    init(packed: UnsafeMutablePointer<Float>, storage: Tensor, m: Int, k: Int) {
        precondition(GEMM.backend == .packed && GEMM.precision == .float32,
                     "GEMM: a pre-packed left operand needs the packed float32 backend")
        a = UnsafePointer(packed)
        transposed = false
        self.m = m
        self.k = k
        self.packed = packed
        packedPairs = nil
        self.storage = storage
    }

    /// `a` must stay valid and unchanged while this operand is used.
    public init(_ a: UnsafePointer<Float>, transposeA: Bool, m: Int, k: Int) {
        self.a = a
        transposed = transposeA
        self.m = m
        self.k = k
        guard GEMM.backend == .packed, m > 0, k > 0 else {
            packed = nil
            packedPairs = nil
            storage = nil
            return
        }
        if GEMM.precision == .bfloat16 {
            let buffer = Tensor(uninitialized: [PackedBFloat16GEMM.packedLeftCount(m: m, k: k)])
            let words = UnsafeMutableRawPointer(buffer.data)
                .bindMemory(to: UInt32.self, capacity: buffer.count)
            PackedBFloat16GEMM.packLeft(a, transposeA: transposeA, m: m, k: k, into: words)
            packed = nil
            packedPairs = words
            storage = buffer
            return
        }
        packedPairs = nil
        let buffer = Tensor(uninitialized: [PackedGEMM.packedLeftCount(m: m, k: k)])
        PackedGEMM.packLeft(a, transposeA: transposeA, m: m, k: k, into: buffer.data)
        packed = buffer.data
        storage = buffer
    }
}
