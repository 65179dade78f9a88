/// Where a 4×4, stride-2 convolution's values come from when it is computed as Winograd
/// products (Lavin & Gray 2015, "Fast Algorithms for Convolutional Neural Networks").
///
/// A stride-2 kernel of 4 taps splits by tap parity b into two 2-tap kernels w[b], w[b + 2],
/// each running at stride 1 over one parity of the padded input. m outputs of a 2-tap
/// correlation take m + 1 products instead of 2m (`WinogradForm`), so an m × m output tile
/// takes (m + 1)² products per pair of channels and tap parity instead of 4m². Over the
/// channels, each of the (m + 1)² transform positions is one matrix product.
///
/// The three kernels use the same tiles: the forward pass and the weight gradient tile the
/// output y; the input gradient tiles each parity of the input x on its own.
struct WinogradTiling: Sendable {
    let g: ConvGeometry
    /// Outputs per tile along each axis.
    let m: Int
    /// The forward direction's tiles over y (the last row or column may be half outside it).
    let tileRows: Int, tileColumns: Int
    /// The input gradient's tiles, per parity b of the padded input row/column index.
    let rows: GradientAxis, columns: GradientAxis

    /// Tiles of one image in the forward direction.
    var tilesPerImage: Int { tileRows * tileColumns }
    /// Tiles of one image in each parity plane of the input gradient.
    var gradientTilesPerImage: Int { rows.tiles * columns.tiles }
    /// Whether the input gradient's four parities read the same dy windows (`GradientAxis.shared`
    /// on both axes), so that dy is transformed once for all four instead of once per parity.
    var sharesGradientWindows: Bool { rows.shared && columns.shared }

    init(_ g: ConvGeometry, m: Int) {
        self.g = g
        self.m = m
        tileRows = (g.outHeight + m - 1) / m
        tileColumns = (g.outWidth + m - 1) / m
        rows = GradientAxis(input: g.inHeight, padding: g.padHeight, m: m)
        columns = GradientAxis(input: g.inWidth, padding: g.padWidth, m: m)
    }

    /// Staged rows (columns) of the forward direction's padded input: tile t reads padded
    /// rows 2m·t + b + 2i for parity b and i ≤ m.
    var stagedRows: Int { 2 * m * tileRows + 2 }
    var stagedColumns: Int { 2 * m * tileColumns + 2 }

    /// 4×4 kernels at stride 2 with both channel counts large enough that the products keep
    /// the register tiles full (a layer on one image channel stays with unfolding).
    static func applies(to g: ConvGeometry) -> Bool {
        g.kernelHeight == 4 && g.kernelWidth == 4 && g.strideHeight == 2 && g.strideWidth == 2
            && g.padHeight <= 3 && g.padWidth <= 3 && !g.isDense
            && g.inChannels >= 16 && g.outChannels >= 16
    }

    /// One axis of the input gradient. Padded input index i' = 2j + b receives the taps
    /// b and b + 2 from outputs j and j − 1: dx_b[j] = w[b]·dy[j] + w[b + 2]·dy[j − 1]. Parity b
    /// covers j = first[b] ..< first[b] + count[b] inside the unpadded input; tile t of it is
    /// j = first[b] + m·t + u and reads dy[first[b] − 1 + m·t + i], i ≤ m.
    struct GradientAxis: Sendable {
        let first: (Int, Int), count: (Int, Int)
        /// Tiles of m per parity (the parity with more outputs decides).
        let tiles: Int
        /// dy index of the staged row/column 0: the lowest `first[b] − 1`.
        let origin: Int
        /// Staged rows/columns of dy: every window of both parities.
        let staged: Int
        /// Whether tiles starting at j = origin + 1 + m·t for both parities need no more tiles
        /// than `tiles`: both parities then read the windows dy[origin + m·t ...], and the parity
        /// whose outputs start one later drops its tiles' first output. True when the planes do
        /// not divide into whole tiles (7 outputs per parity: windows at −1 and 3 for both),
        /// false when they do (8: the later parity would need a third tile).
        let shared: Bool

        init(input: Int, padding p: Int, m: Int) {
            func first(_ b: Int) -> Int { (p - b + 1) / 2 }
            func count(_ b: Int) -> Int { max(0, (p + input - b + 1) / 2 - first(b)) }
            self.first = (first(0), first(1))
            self.count = (count(0), count(1))
            tiles = (max(count(0), count(1)) + m - 1) / m
            origin = min(first(0), first(1)) - 1
            staged = max(first(0), first(1)) + m * tiles - origin
            let end = max(first(0) + count(0), first(1) + count(1))
            shared = (end - origin - 1 + m - 1) / m == tiles
        }

        func first(_ b: Int) -> Int { b == 0 ? first.0 : first.1 }
        func count(_ b: Int) -> Int { b == 0 ? count.0 : count.1 }
    }
}
