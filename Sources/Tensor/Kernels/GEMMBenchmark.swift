import Foundation

/// GFLOP/s of `GEMM.multiply` on the shapes the DCGAN's convolutions use.
public enum GEMMBenchmark {
    /// One product C[m×n] = op(A)·op(B) with inner size k.
    public struct Shape: Sendable {
        public let name: String
        public let m, n, k: Int
        public let transposeA, transposeB: Bool

        /// 2·m·n·k floating-point operations.
        public var flops: Double { 2 * Double(m) * Double(n) * Double(k) }
    }

    /// Batch 64, 64x64 DCGAN (ngf = ndf = 32): forward W·cols, input gradient Wᵀ·dy, weight
    /// gradient dy·colsᵀ, and the square reference.
    public static let shapes: [Shape] = [
        Shape(name: "square", m: 1024, n: 1024, k: 1024, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 64, n: 16384, k: 512, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 128, n: 4096, k: 1024, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 256, n: 1024, k: 2048, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 32, n: 65536, k: 16, transposeA: false, transposeB: false),
        Shape(name: "fwd", m: 1, n: 64, k: 4096, transposeA: false, transposeB: false),
        Shape(name: "dgrad", m: 512, n: 16384, k: 64, transposeA: true, transposeB: false),
        Shape(name: "dgrad", m: 2048, n: 1024, k: 256, transposeA: true, transposeB: false),
        Shape(name: "dgrad", m: 4096, n: 64, k: 100, transposeA: true, transposeB: false),
        Shape(name: "wgrad", m: 64, n: 512, k: 16384, transposeA: false, transposeB: true),
        Shape(name: "wgrad", m: 256, n: 2048, k: 1024, transposeA: false, transposeB: true),
    ]

    /// The median GFLOP/s of `repetitions` timings of `shape`, each timing long enough
    /// (≥ ~30 ms, repeating small products) that the clock's resolution does not matter.
    public static func gflops(_ shape: Shape, repetitions: Int) -> Double {
        let a = randomMatrix(shape.m * shape.k)
        let b = randomMatrix(shape.k * shape.n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: shape.m * shape.n)
        defer {
            a.deallocate()
            b.deallocate()
            c.deallocate()
        }
        let run = {
            GEMM.multiply(a, transposeA: shape.transposeA, b, transposeB: shape.transposeB,
                          into: c, m: shape.m, n: shape.n, k: shape.k)
        }
        run()  // warm-up: pack buffers, BLAS threads, page faults
        let calls = max(1, Int(30e-3 * 100e9 / shape.flops))
        var rates: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<calls { run() }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            rates.append(shape.flops * Double(calls) / seconds / 1e9)
        }
        return rates.sorted()[rates.count / 2]
    }

    private static func randomMatrix(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var generator = RandomStream(seed: UInt64(count), purpose: "gemm-benchmark")
        for i in 0..<count { p[i] = Float.random(in: -1...1, using: &generator) }
        return p
    }
}
