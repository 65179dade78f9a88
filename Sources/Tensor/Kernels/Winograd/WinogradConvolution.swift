import Foundation

/// Convolution kernels for 4×4, stride-2 layers (a DCGAN's middle layers, both directions) by
/// Winograd products (`WinogradForm`, `WinogradTiling`): F(4, 2) takes 25 products per 4×4
/// output tile and tap parity where unfolding takes 64, so 61% fewer multiply-adds on planes
/// that divide into whole tiles (fewer on 7×7 planes, whose last tiles are partly outside).
///
/// Each thread takes chunks of images; a chunk is staged channels-last, transformed into the
/// product operands, multiplied and transformed back while its operands are in cache. As with
/// `ConvolutionKernels`, every output value is computed by one thread in an order fixed by the
/// geometry and the thread count.
enum WinogradConvolution {
    /// y = conv(x, w), with `rectifierSlope` leakyReLU(conv(x, w)).
    static func forward(
        _ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>, rectifierSlope: Float?
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.forward(g, x: x, weight: weight, y: y, rectifierSlope: rectifierSlope)
        } else {
            WinogradKernels<WinogradF2>.forward(g, x: x, weight: weight, y: y, rectifierSlope: rectifierSlope)
        }
    }

    /// F(4, 2) where an image's output plane has at least four 4×4 tiles (8×8 and up, and
    /// 7×7); smaller planes take F(2, 2). On a 4×4 plane F(4, 2)'s one tile per image left its
    /// 25 transformed weight matrices (13 MB for 128 → 256 channels) larger than the products
    /// they saved.
    static func usesF4(_ g: ConvGeometry) -> Bool {
        ((g.outHeight + 3) / 4) * ((g.outWidth + 3) / 4) >= 4
    }

    /// dw = conv_weight_grad(x, dy); with `alsoForward`, also y = conv(x, w).
    static func weightGradient(
        _ g: ConvGeometry, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>,
        alsoForward: (weight: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>)?
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: alsoForward)
        } else {
            WinogradKernels<WinogradF2>.weightGradient(g, x: x, dy: dy, dw: dw, alsoForward: alsoForward)
        }
    }

    /// dx = conv_input_grad(dy, w).
    static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>
    ) {
        if usesF4(g) {
            WinogradKernels<WinogradF4>.inputGradient(g, dy: dy, weight: weight, dx: dx)
        } else {
            WinogradKernels<WinogradF2>.inputGradient(g, dy: dy, weight: weight, dx: dx)
        }
    }

    /// body(p, threaded) for each of a chunk's `count` transform positions, whose products are
    /// independent. Wide, with at least 8 positions per thread, the positions go to the
    /// threads whole (one join for all of them; splitting each product over the threads took
    /// one join per position, and the 28×28 step ran 7–10% slower on 2 threads); with fewer
    /// (F(2, 2)'s 9), whole positions would leave one thread a ninth idle, so each product is
    /// split over the threads (`threaded`). The products' values do not depend on which
    /// thread computes them.
    @inline(__always)
    static func forEachPosition(_ count: Int, wide: Bool, _ body: (Int, Bool) -> Void) {
        guard wide, count >= 8 * Engine.threads else {
            for p in 0..<count { body(p, wide) }
            return
        }
        Engine.parallelFor(count, pieces: count) { range in
            for p in range { body(p, false) }
        }
    }

    /// How a layer's batch is cut into chunks of images. A chunk's transformed operands and
    /// products stay within ~512 KiB where that leaves at least as many tiles as the products
    /// have rows (and at least 128): the transformed weights (planes × rows × depth) are read
    /// once per chunk, and on a deep layer with few tiles per image (128 → 256 channels on
    /// 4 × 4 outputs) small chunks re-read megabytes of them for a few columns each. When that leaves fewer than two chunks per
    /// thread, the chunks run one after another, each one's transforms and products split over
    /// the threads (wide).
    struct Chunking {
        let batch: Int, perChunk: Int, chunks: Int, wide: Bool

        init(_ g: ConvGeometry, operandFloatsPerImage: Int, tilesPerImage: Int, rows: Int) {
            let forCache = max(1, (1 << 17) / max(1, operandFloatsPerImage))
            let forTiles = (max(128, rows) + tilesPerImage - 1) / max(1, tilesPerImage)
            let wanted = max(1, min(g.batch, max(forCache, forTiles)))
            let count = (g.batch + wanted - 1) / wanted
            batch = g.batch
            perChunk = (g.batch + count - 1) / count
            chunks = (g.batch + perChunk - 1) / perChunk
            wide = Engine.threads > 1 && chunks < 2 * Engine.threads
        }

        func images(_ chunk: Int) -> Range<Int> {
            (chunk * perChunk)..<min(batch, (chunk + 1) * perChunk)
        }

        /// body(images, scratch, wide) for every chunk: threads take chunks in turn, or (wide)
        /// the chunks run in order on the calling thread's scratch.
        func run(_ body: (Range<Int>, ConvolutionScratch, Bool) -> Void) {
            if wide {
                let scratch = ConvolutionScratch.take()
                defer { ConvolutionScratch.give(scratch) }
                for chunk in 0..<chunks { body(images(chunk), scratch, true) }
                return
            }
            Engine.parallelFor(chunks, pieces: chunks) { range in
                let scratch = ConvolutionScratch.take()
                defer { ConvolutionScratch.give(scratch) }
                for chunk in range { body(images(chunk), scratch, false) }
            }
        }
    }
}
