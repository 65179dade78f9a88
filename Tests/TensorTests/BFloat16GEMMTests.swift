import CBFloat16
import XCTest
@testable import Tensor

/// The bfloat16 products: rounding, packing, every unit this machine has against a
/// double-precision reference on the rounded operands, and determinism.
final class BFloat16GEMMTests: XCTestCase {
    private var savedThreads = Engine.threads

    override func setUp() { savedThreads = Engine.threads }
    override func tearDown() { Engine.setThreads(savedThreads) }

    /// Units to check: the emulation always, and the hardware this machine has.
    private var allUnits: [BFloat16.Units] {
        [BFloat16.Units.emulated, .avx512DotProducts, .amxTiles].filter { $0.rawValue <= BFloat16.units.rawValue }
    }

    func testRoundingToNearestEven() {
        XCTAssertEqual(BFloat16.round(1), 0x3F80)
        XCTAssertEqual(BFloat16.round(-2), 0xC000)
        // bfloat16 has 7 stored mantissa bits: at 1, one unit is 2⁻⁷.
        XCTAssertEqual(BFloat16.round(1 + 0x1p-9), 0x3F80, "below half a unit rounds down")
        XCTAssertEqual(BFloat16.round(1 + 0x1p-8), 0x3F80, "a tie goes to the even mantissa")
        XCTAssertEqual(BFloat16.round(1 + 0x1p-7 + 0x1p-8), 0x3F82, "a tie goes to the even mantissa")
        XCTAssertEqual(BFloat16.round(1 + 0x1p-8 + 0x1p-20), 0x3F81, "above half a unit rounds up")
        XCTAssertEqual(BFloat16.round(.infinity), 0x7F80)
        XCTAssertEqual(BFloat16.round(Float.greatestFiniteMagnitude), 0x7F80, "overflows to infinity")
        XCTAssertTrue(BFloat16.float(BFloat16.round(.nan)).isNaN)
        XCTAssertTrue(BFloat16.float(BFloat16.round(Float(bitPattern: 0x7F80_0001))).isNaN)
        XCTAssertEqual(BFloat16.float(BFloat16.round(0.1)), 0.10009765625)
    }

    /// The vector conversion used in packing gives the scalar's words.
    func testVectorPairsMatchScalar() {
        var generator = SplitMix(seed: 11)
        var values = (0..<320).map { i in generator.nextFloat() * Float(1 << (i % 20)) }
        values[5] = 1 + 0x1p-8
        values[6] = -(1 + 0x1p-7 + 0x1p-8)
        values[7] = .infinity
        values[8] = 0
        values[9] = -0.0
        values.withUnsafeBufferPointer { v in
            for start in stride(from: 0, to: v.count, by: 32) {
                let words = BFloat16.pairs(v.baseAddress! + start)
                for q in 0..<16 {
                    XCTAssertEqual(words[q], BFloat16.pair(v[start + 2 * q], v[start + 2 * q + 1]),
                                   "pair \(q) of block \(start / 32)")
                }
            }
        }
    }

    /// Subnormals round to zero of their sign on every path (the conversion instruction
    /// flushes them), so the units and the machines agree.
    func testSubnormalsFlushToSignedZero() {
        XCTAssertEqual(BFloat16.round(Float(bitPattern: 0x0040_0000)), 0x0000)
        XCTAssertEqual(BFloat16.round(Float(bitPattern: 0x807F_FFFF)), 0x8000)
        XCTAssertEqual(BFloat16.round(Float(bitPattern: 0x0080_0000)), 0x0080, "the smallest normal stays")
        let tiny = SIMD16<Float>(repeating: Float(bitPattern: 0x007F_FFFF))
        XCTAssertEqual(BFloat16.round(tiny), SIMD16<UInt32>(repeating: 0))
        XCTAssertEqual(BFloat16.round(-tiny), SIMD16<UInt32>(repeating: 0x8000))
    }

    /// The conversion instruction's words, along k and across two rows of B, are the scalar
    /// rounding's, on ties, subnormals, infinities, signed zeros and NaN.
    func testHardwareConversionMatchesScalar() throws {
        try XCTSkipUnless(BFloat16.convertsInHardware, "this CPU has no AVX-512 BF16 conversion")
        var generator = SplitMix(seed: 15)
        var values = (0..<(64 * 9)).map { i in (generator.nextFloat() - 0.5) * Float(1 << (i % 24)) }
        let specials: [UInt32] = [0x3F80_8000, 0x3F81_8000, 0x3F80_8001, 0x0040_0000, 0x807F_FFFF,
                                  0x0080_0000, 0x7F7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x0000_0000,
                                  0x8000_0000, 0x7FC0_0000, 0x7F81_0000]
        for (i, bits) in specials.enumerated() { values[3 * i + 1] = Float(bitPattern: bits) }
        let expected = stride(from: 0, to: values.count, by: 2).map { BFloat16.pair(values[$0], values[$0 + 1]) }
        var along = [UInt32](repeating: 0, count: values.count / 2)
        cbf16_pairs_along(values, &along, along.count)
        XCTAssertEqual(along, expected)
        // Nine rows of 64 as a B block: the last pair has no odd row and reads it as zero.
        let width = 64, rows = values.count / width
        var panel = [UInt32](repeating: 1, count: (rows + 1) / 2 * width)
        cbf16_pairs_across(values, width, rows, width, &panel)
        for q in 0..<(rows + 1) / 2 {
            for j in 0..<width {
                let odd: Float = 2 * q + 1 < rows ? values[(2 * q + 1) * width + j] : 0
                XCTAssertEqual(panel[q * width + j], BFloat16.pair(values[2 * q * width + j], odd),
                               "pair \(q), column \(j)")
            }
        }
    }

    /// Operands are rounded: 1 + 2⁻⁹ is 1 in bfloat16, so a row of k such values times ones
    /// sums to exactly k (float32 would give k · (1 + 2⁻⁹)).
    func testOperandsAreRounded() {
        let (m, n, k) = (5, 40, 64)
        let a = [Float](repeating: 1 + 0x1p-9, count: m * k), b = [Float](repeating: 1, count: k * n)
        for units in allUnits {
            var c = [Float](repeating: .nan, count: m * n)
            multiply(a, false, b, false, &c, m, n, k, 1, 0, units)
            XCTAssertEqual(Set(c), [Float(k)], "\(units.name)")
        }
    }

    func testEdgeSizesAllTransposes() {
        let sizes = [1, 3, 17, 32, 33, 70]
        let scalars: [(Float, Float)] = [(1, 0), (0.5, -2), (-1.5, 1), (2, 0.25)]
        var generator = SplitMix(seed: 12)
        var index = 0
        for units in allUnits {
            for m in sizes { for n in sizes { for k in sizes {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    let (alpha, beta) = scalars[index % scalars.count]
                    index += 1
                    check(m: m, n: n, k: k, ta: ta, tb: tb, alpha: alpha, beta: beta, units: units,
                          using: &generator)
                }
            } } }
        }
    }

    /// Shapes crossing the k blocks (256), the 192-row A blocks, partial tiles and pairs, on 1
    /// and 2 threads, through `GEMM.multiply` in bfloat16 mode.
    func testShapesCrossingBlocks() {
        var generator = SplitMix(seed: 13)
        for threads in [1, 2] {
            Engine.setThreads(threads)
            for (m, n, k) in [(200, 700, 301), (385, 97, 513), (1, 1100, 300), (64, 512, 1025)] {
                for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                    check(m: m, n: n, k: k, ta: ta, tb: tb, alpha: 0.75, beta: 0.5,
                          units: BFloat16.units, using: &generator)
                }
            }
        }
    }

    /// A left operand packed once in bfloat16 mode gives the bits of packing it per product,
    /// and 1, 2 and 3 threads give the same bits (threads split C, never k).
    func testPrepackedLeftOperandAndThreadCountsGiveSameBits() {
        var generator = SplitMix(seed: 14)
        for (m, n, k) in [(13, 300, 600), (200, 70, 257), (141, 50, 300), (1, 40, 3)] {
            for ta in [false, true] {
                let a = (0..<(m * k)).map { _ in generator.nextFloat() }
                let b = (0..<(k * n)).map { _ in generator.nextFloat() }
                var results: [[UInt32]] = []
                for threads in [1, 2, 3] {
                    Engine.setThreads(threads)
                    var plain = [Float](repeating: 0, count: m * n)
                    GEMM.withPrecision(.bfloat16) {
                        GEMM.multiply(a, transposeA: ta, b, transposeB: false, into: &plain, m: m, n: n, k: k)
                    }
                    var prepared = [Float](repeating: .nan, count: m * n)
                    a.withUnsafeBufferPointer { a in
                        let left = GEMM.withPrecision(.bfloat16) {
                            GEMMLeftOperand(a.baseAddress!, transposeA: ta, m: m, k: k)
                        }
                        prepared.withUnsafeMutableBufferPointer { c in
                            GEMM.multiply(left, b, transposeB: false, into: c.baseAddress!, n: n)
                        }
                    }
                    XCTAssertEqual(prepared.map(\.bitPattern), plain.map(\.bitPattern),
                                   "m \(m) n \(n) k \(k) ta \(ta), \(threads) threads")
                    results.append(plain.map(\.bitPattern))
                }
                XCTAssertEqual(results[0], results[1], "1 and 2 threads differ: m \(m) n \(n) k \(k)")
                XCTAssertEqual(results[0], results[2], "1 and 3 threads differ: m \(m) n \(n) k \(k)")
            }
        }
    }

    /// The precision is scoped: float32 again after `withPrecision`.
    func testPrecisionIsRestored() {
        GEMM.withPrecision(.bfloat16) { XCTAssertEqual(GEMM.precision, .bfloat16) }
        XCTAssertEqual(GEMM.precision, .float32)
    }

    private func multiply(
        _ a: [Float], _ ta: Bool, _ b: [Float], _ tb: Bool, _ c: inout [Float],
        _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ beta: Float, _ units: BFloat16.Units
    ) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    PackedBFloat16GEMM.multiply(a.baseAddress!, transposeA: ta, b.baseAddress!, transposeB: tb,
                                                into: c.baseAddress!, m: m, n: n, k: k, alpha: alpha,
                                                beta: beta, units: units)
                }
            }
        }
    }

    /// One random product against double precision on the bfloat16-rounded operands.
    private func check(
        m: Int, n: Int, k: Int, ta: Bool, tb: Bool, alpha: Float, beta: Float,
        units: BFloat16.Units, using generator: inout SplitMix
    ) {
        let a = (0..<(m * k)).map { _ in generator.nextFloat() }
        let b = (0..<(k * n)).map { _ in generator.nextFloat() }
        let c0 = (0..<(m * n)).map { _ in beta == 0 ? Float.nan : generator.nextFloat() }
        var c = c0
        if units == BFloat16.units {
            GEMM.withPrecision(.bfloat16) {
                GEMM.multiply(a, transposeA: ta, b, transposeB: tb, into: &c, m: m, n: n, k: k,
                              alpha: alpha, beta: beta)
            }
        } else {
            multiply(a, ta, b, tb, &c, m, n, k, alpha, beta, units)
        }
        var reference = ProductReference(a: a, b: b, c0: c0, m: m, n: n, k: k, ta: ta, tb: tb,
                                         alpha: alpha, beta: beta)
        reference.operand = { Double(BFloat16.float(BFloat16.round($0))) }
        let worst = reference.worstError(of: c)
        // The products of rounded operands are exact; what is left is float32 summation, as in
        // the float32 GEMM's test (units may add pairs or tiles in another order, hence 2×).
        let tolerance = 4 * Double(k).squareRoot() + 4
        XCTAssertLessThanOrEqual(worst, tolerance, "error / (eps·scale); \(units.name) m \(m) n \(n) k \(k) "
                                 + "ta \(ta) tb \(tb) alpha \(alpha) beta \(beta)")
    }

}
