import XCTest
@testable import Tensor

/// The packed GEMM against a double-precision reference, and its determinism.
final class GEMMTests: XCTestCase {
    private var savedBackend = GEMM.backend
    private var savedThreads = Engine.threads

    override func setUp() {
        savedBackend = GEMM.backend
        savedThreads = Engine.threads
        GEMM.backend = .packed
    }

    override func tearDown() {
        GEMM.backend = savedBackend
        Engine.setThreads(savedThreads)
    }

    /// Every edge size in every dimension, all four transpose combinations, cycling alpha/beta.
    /// 8, 64 are whole 8 × 32 tiles, the others partial tiles and partial 16 × 16 transposes
    /// in the packing.
    func testEdgeSizesAllTransposes() {
        let sizes = [1, 3, 8, 17, 33, 64, 65, 100]
        let scalars: [(Float, Float)] = [(1, 0), (0.5, -2), (-1.5, 1), (2, 0.25)]
        var generator = SplitMix(seed: 1)
        var index = 0
        for m in sizes { for n in sizes { for k in sizes {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (alpha, beta) = scalars[index % scalars.count]
                index += 1
                check(m: m, n: n, k: k, ta: ta, tb: tb, alpha: alpha, beta: beta,
                      using: &generator)
            }
        } } }
    }

    /// Shapes that cross every cache block (kc = 256, mc = 192, B blocks of 1024 columns at
    /// kc = 256) and end in partial 16-row packing blocks (45 = 32 + 13), on 1 and 2 threads.
    func testShapesCrossingBlocks() {
        var generator = SplitMix(seed: 2)
        for threads in [1, 2] {
            Engine.setThreads(threads)
            for (m, n, k) in [(200, 3100, 300), (385, 97, 513), (1, 4099, 300), (4096, 1, 100),
                              (64, 512, 2048), (45, 70, 1),
                              (45, 70, 40)] {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    check(m: m, n: n, k: k, ta: ta, tb: tb, alpha: 0.75, beta: 0.5,
                          using: &generator)
                }
            }
        }
    }

    /// k = 0 leaves beta · C.
    func testEmptyInnerDimension() {
        var c: [Float] = [1, -2, 3, 4, 5, 6]
        let a: [Float] = [0], b: [Float] = [0]
        GEMM.multiply(a, transposeA: false, b, transposeB: false, into: &c, m: 2, n: 3, k: 0,
                      beta: 2)
        XCTAssertEqual(c, [2, -4, 6, 8, 10, 12])
    }

    /// Same inputs twice give identical bits, and so do 1 and 2 threads (threads split C,
    /// never k, and every element is summed over k in the same order).
    func testDeterministic() {
        var generator = SplitMix(seed: 3)
        let (m, n, k) = (130, 1000, 700)
        let a = (0..<(m * k)).map { _ in generator.nextFloat() }
        let b = (0..<(k * n)).map { _ in generator.nextFloat() }
        var results: [[Float]] = []
        for threads in [2, 2, 1] {
            Engine.setThreads(threads)
            var c = [Float](repeating: 0, count: m * n)
            GEMM.multiply(a, transposeA: false, b, transposeB: true, into: &c, m: m, n: n, k: k)
            results.append(c)
        }
        let bits = results.map { $0.map(\.bitPattern) }
        XCTAssertTrue(bits[0] == bits[1], "two runs on 2 threads differ")
        XCTAssertTrue(bits[0] == bits[2], "1 and 2 threads differ")
    }

    /// A left operand packed once gives the same bits as packing it in every product, on
    /// shapes with partial row tiles, several k blocks and several 64-row packing blocks
    /// (packed in parallel), on 1, 2 and 3 threads.
    func testPrepackedLeftOperandMatchesPlainProduct() {
        var generator = SplitMix(seed: 4)
        for threads in [1, 2, 3] {
            Engine.setThreads(threads)
            for (m, n, k) in [(13, 300, 600), (200, 70, 257), (141, 50, 300), (512, 256, 64), (1, 40, 3)] {
                for ta in [false, true] {
                    let a = (0..<(m * k)).map { _ in generator.nextFloat() }
                    let b = (0..<(k * n)).map { _ in generator.nextFloat() }
                    var plain = [Float](repeating: 0, count: m * n)
                    GEMM.multiply(a, transposeA: ta, b, transposeB: false, into: &plain,
                                  m: m, n: n, k: k)
                    var prepared = [Float](repeating: .nan, count: m * n)
                    a.withUnsafeBufferPointer { a in
                        let left = GEMMLeftOperand(a.baseAddress!, transposeA: ta, m: m, k: k)
                        prepared.withUnsafeMutableBufferPointer { c in
                            GEMM.multiply(left, b, transposeB: false, into: c.baseAddress!, n: n)
                        }
                    }
                    XCTAssertEqual(prepared.map(\.bitPattern), plain.map(\.bitPattern),
                                   "m \(m) n \(n) k \(k) ta \(ta), \(threads) threads")
                }
            }
        }
    }

    /// Compares one random product with the double-precision reference.
    private func check(
        m: Int, n: Int, k: Int, ta: Bool, tb: Bool, alpha: Float, beta: Float,
        using generator: inout SplitMix
    ) {
        let a = (0..<(m * k)).map { _ in generator.nextFloat() }
        let b = (0..<(k * n)).map { _ in generator.nextFloat() }
        // With beta = 0 the old C must not be read: NaNs there must not leak into the result.
        let c0 = (0..<(m * n)).map { _ in beta == 0 ? Float.nan : generator.nextFloat() }
        var c = c0
        GEMM.multiply(a, transposeA: ta, b, transposeB: tb, into: &c, m: m, n: n, k: k,
                      alpha: alpha, beta: beta)
        let worst = ProductReference(a: a, b: b, c0: c0, m: m, n: n, k: k, ta: ta, tb: tb,
                                     alpha: alpha, beta: beta).worstError(of: c)
        // Tolerance: (2·sqrt(k) + 2)·eps relative to scale = Σ|alpha·a·b| + |beta·c|. Float32
        // summation of k terms in order errs by about sqrt(k)·eps of Σ|terms| for random signs
        // (k·eps in the worst case); the + 2 covers rounding alpha·sum and adding beta·c.
        let tolerance = 2 * Double(k).squareRoot() + 2
        XCTAssertLessThanOrEqual(worst, tolerance, "error / (eps·scale); m \(m) n \(n) k \(k) "
                                 + "ta \(ta) tb \(tb) alpha \(alpha) beta \(beta)")
    }

}

/// C = alpha · op(A) · op(B) + beta · C0 in double precision, for checking float products.
struct ProductReference {
    let a: [Float], b: [Float], c0: [Float]
    let m: Int, n: Int, k: Int
    let ta: Bool, tb: Bool
    let alpha: Float, beta: Float
    /// What the product multiplies in place of each operand value (bfloat16 products: the
    /// rounded value).
    var operand: (Float) -> Double = { Double($0) }

    /// The worst error of `c` over the checked elements, in units of eps · scale, where scale
    /// = Σ|alpha·a·b| + |beta·c0|. Large products are checked on about 4000 elements (every
    /// s-th, s coprime with n so the sample visits every column residue) to keep the
    /// double-precision loop short.
    func worstError(of c: [Float]) -> Double {
        var worst = 0.0
        let eps = Double(Float.ulpOfOne)
        var step = max(1, m * n / 4000)
        while gcd(step, n) != 1 { step += 1 }
        for index in stride(from: 0, to: m * n, by: step) {
            let i = index / n, j = index % n
            var sum = 0.0, magnitude = 0.0
            for p in 0..<k {
                let x = operand(ta ? a[p * m + i] : a[i * k + p])
                let y = operand(tb ? b[j * k + p] : b[p * n + j])
                sum += x * y
                magnitude += abs(x * y)
            }
            let old = beta == 0 ? 0 : Double(c0[i * n + j])
            let expected = Double(alpha) * sum + Double(beta) * old
            let scale = abs(Double(alpha)) * magnitude + abs(Double(beta) * old)
            let error = abs(Double(c[i * n + j]) - expected)
            worst = max(worst, error / max(scale * eps, .leastNormalMagnitude))
        }
        return worst
    }

    private func gcd(_ x: Int, _ y: Int) -> Int { y == 0 ? x : gcd(y, x % y) }
}

/// A small seeded generator so failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    /// The next value, uniform in [-1, 1).
    mutating func nextFloat() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }
}
