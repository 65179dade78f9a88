/// Where a 4×4, stride-2 convolution's values come from when it is computed as Winograd
/// F(2×2, 2×2) products (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural Networks").
///
/// A stride-2 kernel of 4 taps splits by tap parity b into two 2-tap kernels w[b], w[b + 2],
/// each running at stride 1 over one parity of the padded input. Two outputs of a 2-tap
/// correlation, y_u = d_u·f_0 + d_(u+1)·f_1, take 3 products instead of 4:
///
///     (Bᵀd) = (d0 − d1, d1, d2 − d1)   (G f) = (f0, f0 + f1, f1)   y = Aᵀm = (m0 + m1, m1 + m2)
///
/// so a 2×2 output tile takes 9 products per pair of channels instead of 16. Every transform
/// entry is 0 or ±1, so the transforms add no rounding beyond a few float additions. Over the
/// channels the 9 products are 9 matrix products, one per transform position (ξ, η).
///
/// The three kernels use the same tiles: the forward pass and the weight gradient tile the
/// output y; the input gradient tiles each parity of the input x on its own.
struct WinogradTiling: Sendable {
    let g: ConvGeometry
    /// The forward direction's tiles over y (the last row or column may be half outside it).
    let tileRows: Int, tileColumns: Int
    /// The input gradient's tiles, per parity b of the padded input row/column index.
    let rows: GradientAxis, columns: GradientAxis

    /// Tiles of one image in the forward direction.
    var tilesPerImage: Int { tileRows * tileColumns }
    /// Tiles of one image in each parity plane of the input gradient.
    var gradientTilesPerImage: Int { rows.tiles * columns.tiles }

    init(_ g: ConvGeometry) {
        self.g = g
        tileRows = (g.outHeight + 1) / 2
        tileColumns = (g.outWidth + 1) / 2
        rows = GradientAxis(input: g.inHeight, output: g.outHeight, padding: g.padHeight)
        columns = GradientAxis(input: g.inWidth, output: g.outWidth, padding: g.padWidth)
    }

    /// 4×4 kernels at stride 2 with both channel counts large enough that the 9 products keep
    /// the register tiles full (a layer on one image channel stays with unfolding).
    static func applies(to g: ConvGeometry) -> Bool {
        g.kernelHeight == 4 && g.kernelWidth == 4 && g.strideHeight == 2 && g.strideWidth == 2
            && g.padHeight <= 3 && g.padWidth <= 3 && !g.isDense
            && g.inChannels >= 16 && g.outChannels >= 16
    }

    /// One axis of the input gradient. Padded input index i' = 2j + b receives the taps
    /// b and b + 2 from outputs j and j − 1: dx_b[j] = w[b]·dy[j] + w[b + 2]·dy[j − 1]. Parity b
    /// covers j = first[b] ..< first[b] + count[b] inside the unpadded input.
    struct GradientAxis: Sendable {
        let first: (Int, Int), count: (Int, Int)
        /// Tiles of 2 per parity (the parity with more outputs decides).
        let tiles: Int
        /// dy index of the staged row/column 0: the lowest `first[b] − 1`.
        let origin: Int
        /// Staged rows/columns of dy: every window of both parities.
        let staged: Int

        init(input: Int, output: Int, padding p: Int) {
            func first(_ b: Int) -> Int { (p - b + 1) / 2 }
            func count(_ b: Int) -> Int { max(0, (p + input - b + 1) / 2 - first(b)) }
            self.first = (first(0), first(1))
            self.count = (count(0), count(1))
            tiles = (max(count(0), count(1)) + 1) / 2
            origin = min(first(0), first(1)) - 1
            staged = max(first(0), first(1)) - 1 + 2 * tiles + 1 - origin
        }

        func first(_ b: Int) -> Int { b == 0 ? first.0 : first.1 }
        func count(_ b: Int) -> Int { b == 0 ? count.0 : count.1 }
    }
}
