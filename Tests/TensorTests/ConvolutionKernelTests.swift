@testable import Tensor
import XCTest

/// The chunked convolution kernels against direct loops over the definition, on batches that
/// split unevenly between threads and into several chunks, for 1, 2 and 3 threads.
final class ConvolutionKernelTests: XCTestCase {
    private var savedThreads = 1

    override func setUp() { savedThreads = Engine.threads }
    override func tearDown() { Engine.setThreads(savedThreads) }

    /// (batch, in, out, input size, kernel, stride, padding): a small plane puts many images
    /// in one chunk, a large one a single image per chunk; 37 and 5 do not divide by 2 or 3.
    /// Rows of 32 and more take the vector paths of stride 2, with odd and even padding. A
    /// kernel the size of its unpadded input is a plain product; a weight gradient of at most
    /// 1,024 values is summed as dot products of rows (most cases here), a larger one with fewer
    /// patch rows than output channels (1 × 4 × 4 < 80) by the transposed product. Patches of 320
    /// and 360 rows span two k blocks of the packed operands, with partly filled column panels.
    /// A 7 × 7 output plane under a 1,536-row patch takes more images per chunk than the cache
    /// rule alone (5 instead of 3) to fill its register tiles, with a partial last chunk.
    private let cases: [(Int, Int, Int, (Int, Int), (Int, Int), (Int, Int), (Int, Int))] = [
        (37, 3, 5, (4, 4), (4, 4), (2, 2), (1, 1)),
        (5, 2, 4, (33, 31), (3, 3), (1, 1), (1, 1)),
        (19, 6, 3, (1, 1), (1, 1), (1, 1), (0, 0)),
        (7, 4, 2, (9, 6), (2, 3), (2, 1), (0, 1)),
        (3, 2, 3, (35, 70), (4, 4), (2, 2), (1, 1)),
        (2, 3, 2, (34, 66), (3, 3), (2, 2), (2, 2)),
        (2, 1, 2, (8, 40), (4, 4), (3, 3), (0, 0)),
        (9, 5, 3, (4, 4), (4, 4), (1, 1), (0, 0)),
        (5, 1, 20, (12, 10), (4, 4), (2, 2), (1, 1)),
        (3, 1, 80, (12, 10), (4, 4), (2, 2), (1, 1)),
        (6, 4, 1, (3, 5), (3, 5), (1, 1), (0, 0)),
        (3, 20, 6, (10, 9), (4, 4), (2, 2), (1, 1)),
        (2, 40, 4, (6, 6), (3, 3), (1, 1), (1, 1)),
        (7, 96, 3, (14, 14), (4, 4), (2, 2), (1, 1)),
    ]

    func testKernelsMatchDirectLoopsForEveryThreadCount() {
        var generator = SplitMix(seed: 7)
        for (batch, cin, cout, size, kernel, stride, padding) in cases {
            let g = geometry(batch, cin, cout, size, kernel: kernel, stride: stride, padding: padding)
            let (x, w, dy) = operands(g, &generator)
            let expected = Direct(g: g, x: x, w: w, dy: dy)
            for threads in [1, 2, 3] {
                Engine.setThreads(threads)
                let label = "\(g.xShape) kernel \(kernel) stride \(stride), \(threads) threads"
                var y = [Float](repeating: .nan, count: dy.count)
                var dx = [Float](repeating: .nan, count: x.count)
                var dw = [Float](repeating: .nan, count: w.count)
                ConvolutionKernels.forward(g, x: x, weight: w, y: &y)
                ConvolutionKernels.inputGradient(g, dy: dy, weight: w, dx: &dx)
                ConvolutionKernels.weightGradient(g, x: x, dy: dy, dw: &dw)
                assertClose(y, expected.y, "forward \(label)")
                assertClose(dx, expected.dx, "input gradient \(label)")
                assertClose(dw, expected.dw, "weight gradient \(label)")
                var yBoth = [Float](repeating: .nan, count: dy.count)
                var dwBoth = [Float](repeating: .nan, count: w.count)
                ConvolutionKernels.forwardAndWeightGradient(g, x: x, weight: w, dy: dy, y: &yBoth, dw: &dwBoth)
                XCTAssertEqual(yBoth.map(\.bitPattern), y.map(\.bitPattern), "fused forward, \(label)")
                XCTAssertEqual(dwBoth.map(\.bitPattern), dw.map(\.bitPattern), "fused weight gradient, \(label)")
                var again = [Float](repeating: 0, count: w.count)
                ConvolutionKernels.weightGradient(g, x: x, dy: dy, dw: &again)
                XCTAssertEqual(again.map(\.bitPattern), dw.map(\.bitPattern),
                               "weight gradient not reproducible, \(label)")
            }
        }
    }

    /// 4×4, stride-2 layers with at least 16 channels each side, which go through Winograd
    /// F(2×2, 2×2): even and odd planes (a last tile half outside), unequal heights and widths,
    /// paddings 0 to 3 (input-gradient parities of unequal length), channel counts that are
    /// not multiples of the 16-lane vectors, and batches that split into uneven chunks. Planes
    /// of 8 tiles per row, 2 and 1 (groups of eight tiles spanning 1, 4 and 8 tile rows) take
    /// the vector output transforms; an odd input width gives the input gradient's two column
    /// parities unequal lengths.
    private let winogradCases: [(Int, Int, Int, (Int, Int), (Int, Int))] = [
        (5, 16, 24, (16, 16), (1, 1)),
        (3, 20, 17, (14, 14), (1, 1)),
        (4, 32, 16, (13, 10), (2, 0)),
        (2, 16, 19, (9, 12), (3, 1)),
        (37, 16, 32, (8, 8), (1, 1)),
        (3, 48, 16, (32, 30), (1, 1)),
        (2, 16, 16, (32, 32), (1, 1)),
        (3, 16, 20, (16, 8), (1, 1)),
        (2, 16, 16, (32, 4), (1, 1)),
        (2, 16, 16, (16, 16), (2, 2)),
        (3, 16, 17, (10, 13), (1, 1)),
        (4, 16, 32, (14, 14), (1, 1)),
        (3, 32, 16, (14, 10), (1, 1)),
    ]

    func testWinogradMatchesDirectLoopsAndUnfolding() {
        var generator = SplitMix(seed: 11)
        let saved = ConvolutionKernels.algorithm
        defer { ConvolutionKernels.algorithm = saved }
        for (batch, cin, cout, size, padding) in winogradCases {
            let g = geometry(batch, cin, cout, size, kernel: (4, 4), stride: (2, 2), padding: padding)
            let (x, w, dy) = operands(g, &generator)
            let expected = Direct(g: g, x: x, w: w, dy: dy)
            for threads in [1, 2, 3] {
                Engine.setThreads(threads)
                let label = "Winograd \(g.xShape) → \(g.yShape) padding \(padding), \(threads) threads"
                ConvolutionKernels.algorithm = .winograd
                let winograd = Computed(g, x: x, w: w, dy: dy)
                ConvolutionKernels.algorithm = .unfold
                let unfolded = Computed(g, x: x, w: w, dy: dy)
                assertClose(winograd.y, expected.y, "forward \(label)")
                assertClose(winograd.dx, expected.dx, "input gradient \(label)")
                assertClose(winograd.dw, expected.dw, "weight gradient \(label)")
                assertClose(winograd.fusedY, expected.y, "fused forward \(label)")
                assertClose(winograd.fusedDw, expected.dw, "fused weight gradient \(label)")
                XCTAssertEqual(winograd.fusedY.map(\.bitPattern), winograd.y.map(\.bitPattern), "fused forward, \(label)")
                XCTAssertEqual(winograd.fusedDw.map(\.bitPattern), winograd.dw.map(\.bitPattern),
                               "fused weight gradient, \(label)")
                // Same values by a different summation: close to unfolding, never equal bit for bit.
                XCTAssertNotEqual(winograd.y.map(\.bitPattern), unfolded.y.map(\.bitPattern),
                                  "\(label) did not take the Winograd path")
                XCTAssertNotEqual(winograd.dx.map(\.bitPattern), unfolded.dx.map(\.bitPattern),
                                  "\(label): the input gradient did not take the Winograd path")
                let rectified = Computed.rectified(g, x: x, w: w, slope: 0.2)
                assertClose(rectified, expected.y.map { $0 > 0 ? $0 : 0.2 * $0 }, "rectified forward \(label)")
            }
        }
    }

    /// The input gradient's parities share dy's windows exactly where that costs no tiles:
    /// 7 outputs per parity (14 × 14 inputs) in two 4-wide tiles either way, 8 (16 × 16) not.
    func testInputGradientParitiesShareWindowsOnlyWithoutExtraTiles() {
        func shares(_ size: (Int, Int), padding: (Int, Int) = (1, 1), m: Int = 4) -> Bool {
            WinogradTiling(geometry(1, 16, 16, size, kernel: (4, 4), stride: (2, 2), padding: padding), m: m)
                .sharesGradientWindows
        }
        XCTAssertTrue(shares((14, 14)))
        XCTAssertTrue(shares((14, 10)))
        XCTAssertTrue(shares((14, 14), m: 2))
        XCTAssertFalse(shares((16, 16)))
        XCTAssertFalse(shares((8, 8), m: 2))
        XCTAssertFalse(shares((14, 16)))
        XCTAssertEqual(WinogradTiling(geometry(1, 16, 16, (14, 14), kernel: (4, 4), stride: (2, 2),
                                               padding: (1, 1)), m: 4).rows.tiles, 2)
    }

    private func geometry(
        _ batch: Int, _ cin: Int, _ cout: Int, _ size: (Int, Int), kernel: (Int, Int),
        stride: (Int, Int), padding: (Int, Int)
    ) -> ConvGeometry {
        ConvGeometry(
            batch: batch, inChannels: cin, outChannels: cout, inHeight: size.0, inWidth: size.1,
            outHeight: ConvGeometry.convolutionOutput(size.0, kernel: kernel.0, stride: stride.0, padding: padding.0),
            outWidth: ConvGeometry.convolutionOutput(size.1, kernel: kernel.1, stride: stride.1, padding: padding.1),
            kernel: kernel, stride: stride, padding: padding)
    }

    /// Random x, w and dy for the geometry.
    private func operands(_ g: ConvGeometry, _ generator: inout SplitMix) -> ([Float], [Float], [Float]) {
        func values(_ shape: [Int]) -> [Float] { (0..<shape.reduce(1, *)).map { _ in generator.nextFloat() } }
        return (values(g.xShape), values(g.weightShape), values(g.yShape))
    }

    private func assertClose(_ got: [Float], _ want: [Double], _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        let scale = max(1, want.map(abs).max() ?? 1)
        // A value never written stays NaN, which max() would pass over.
        XCTAssertEqual(got.filter { !$0.isFinite }.count, 0, "\(label): values not written", file: file, line: line)
        let worst = zip(got, want).map { abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5 * scale, label, file: file, line: line)
    }
}

/// y, dx and dw (and y and dw from the fused kernel) by the engine's kernels.
private struct Computed {
    var y: [Float], dx: [Float], dw: [Float], fusedY: [Float], fusedDw: [Float]

    init(_ g: ConvGeometry, x: [Float], w: [Float], dy: [Float]) {
        y = [Float](repeating: .nan, count: dy.count)
        dx = [Float](repeating: .nan, count: x.count)
        dw = [Float](repeating: .nan, count: w.count)
        fusedY = y
        fusedDw = dw
        ConvolutionKernels.forward(g, x: x, weight: w, y: &y)
        ConvolutionKernels.inputGradient(g, dy: dy, weight: w, dx: &dx)
        ConvolutionKernels.weightGradient(g, x: x, dy: dy, dw: &dw)
        ConvolutionKernels.forwardAndWeightGradient(g, x: x, weight: w, dy: dy, y: &fusedY, dw: &fusedDw)
    }

    static func rectified(_ g: ConvGeometry, x: [Float], w: [Float], slope: Float) -> [Float] {
        var y = [Float](repeating: .nan, count: g.yShape.reduce(1, *))
        ConvolutionKernels.forward(g, x: x, weight: w, y: &y, rectifierSlope: slope)
        return y
    }
}

/// y, dx and dw by the definition, in double precision.
private struct Direct {
    var y: [Double], dx: [Double], dw: [Double]

    init(g: ConvGeometry, x: [Float], w: [Float], dy: [Float]) {
        y = Array(repeating: 0, count: dy.count)
        dx = Array(repeating: 0, count: x.count)
        dw = Array(repeating: 0, count: w.count)
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                for oh in 0..<g.outHeight {
                    for ow in 0..<g.outWidth {
                        let yi = ((n * g.outChannels + o) * g.outHeight + oh) * g.outWidth + ow
                        for c in 0..<g.inChannels {
                            for i in 0..<g.kernelHeight {
                                for j in 0..<g.kernelWidth {
                                    let ih = oh * g.strideHeight - g.padHeight + i
                                    let iw = ow * g.strideWidth - g.padWidth + j
                                    guard ih >= 0, ih < g.inHeight, iw >= 0, iw < g.inWidth else { continue }
                                    let xi = ((n * g.inChannels + c) * g.inHeight + ih) * g.inWidth + iw
                                    let wi = ((o * g.inChannels + c) * g.kernelHeight + i) * g.kernelWidth + j
                                    y[yi] += Double(x[xi]) * Double(w[wi])
                                    dx[xi] += Double(dy[yi]) * Double(w[wi])
                                    dw[wi] += Double(dy[yi]) * Double(x[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
