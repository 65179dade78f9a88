import Foundation

/// GFLOP/s of `GEMM.multiply` on the shapes the DCGAN's convolutions use.
public enum GEMMBenchmark {
    /// One product C[m×n] = op(A)·op(B) with inner size k.
    public struct Shape: Sendable {
        public let name: String
        public let m, n, k: Int
        public let transposeA, transposeB: Bool
        /// Each thread runs its own product, as convolution chunks do; otherwise one product
        /// is split between the threads.
        public var perThread: Bool { name != "square" }

        /// 2·m·n·k floating-point operations.
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// The products of the 64x64 DCGAN's convolutions (ngf = ndf = 32) as the engine runs them:
    /// per chunk of images on one thread (see `ConvolutionKernels`), forward W·cols, input
    /// gradient Wᵀ·dy and weight gradient dy·colsᵀ for the 32→64, 64→128 and 128→256 layers,
    /// and the square reference.
    public static let shapes: [Shape] = [
        Shape(name: "square", m: 1024, n: 1024, k: 1024, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 64, n: 256, k: 512, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 128, n: 256, k: 1024, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 256, n: 128, k: 2048, transposeA: false, transposeB: false),
        Shape(name: "dgrad", m: 512, n: 256, k: 64, transposeA: true, transposeB: false),
        Shape(name: "dgrad", m: 1024, n: 256, k: 128, transposeA: true, transposeB: false),
        Shape(name: "dgrad", m: 2048, n: 128, k: 256, transposeA: true, transposeB: false),
        Shape(name: "wgrad", m: 64, n: 512, k: 256, transposeA: false, transposeB: true),
        Shape(name: "wgrad", m: 128, n: 1024, k: 256, transposeA: false, transposeB: true),
        Shape(name: "wgrad", m: 256, n: 2048, k: 128, transposeA: false, transposeB: true),
    ]

    /// The median and best GFLOP/s of `repetitions` timings of `shape`, each timing long enough
    /// (≥ ~30 ms, repeating small products) that the clock's resolution does not matter. On a
    /// shared machine the best shows what the code can do when it gets the cores.
    public static func gflops(_ shape: Shape, repetitions: Int) -> (median: Double, best: Double) {
        let copies = shape.perThread ? Engine.threads : 1
        let a = (0..<copies).map { _ in randomMatrix(shape.m * shape.k) }
        let b = (0..<copies).map { _ in randomMatrix(shape.k * shape.n) }
        let c = (0..<copies).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: shape.m * shape.n) }
        defer {
            for p in a + b + c { p.deallocate() }
        }
        let run = {
            Engine.parallelFor(copies) { range in
                for i in range {
                    GEMM.multiply(a[i], transposeA: shape.transposeA, b[i], transposeB: shape.transposeB,
                                  into: c[i], m: shape.m, n: shape.n, k: shape.k,
                                  threaded: !shape.perThread)
                }
            }
        }
        run()  // warm-up: pack buffers, BLAS threads, page faults
        let calls = max(1, Int(30e-3 * 100e9 / shape.flops))
        var rates: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { run() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(shape.flops * Double(copies * calls) / seconds / 1e9)
        }
        let sorted = rates.sorted()
        return (sorted[sorted.count / 2], sorted[sorted.count - 1])
    }

    private static func randomMatrix(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var generator = RandomStream(seed: UInt64(count), purpose: "gemm-benchmark")
        for i in 0..<count { p[i] = Float.random(in: -1...1, using: &generator) }
        return p
    }
}
