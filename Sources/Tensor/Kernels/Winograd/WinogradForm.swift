/// One-dimensional Winograd transforms F(m, 2): m outputs of a 2-tap correlation
/// y_u = d_u·f_0 + d_(u+1)·f_1 from α = m + 1 products, y = Aᵀ[(G f) ⊙ (Bᵀ d)] (Lavin & Gray
/// 2015). The weight gradient runs the same products the other way round: two taps from an
/// m-long run g of output gradients, dw = Gᵀ[(A g) ⊙ (Bᵀ d)].
///
/// Each transform reads its inputs through `value(i)` and hands out results through
/// `put(i, result)`, so the same code runs on one float or on a vector of channels or tiles.
protocol WinogradForm {
    /// Outputs per tile along each axis.
    static var m: Int { get }
    /// Bᵀ d: α values from α inputs.
    static func data<L: WinogradLanes>(_ d: (Int) -> L, _ put: (Int, L) -> Void)
    /// G f: α values from 2 taps.
    static func filter<L: WinogradLanes>(_ f: (Int) -> L, _ put: (Int, L) -> Void)
    /// Aᵀ v: m outputs from α products.
    static func output<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void)
    /// A g: α values from m output gradients.
    static func gradient<L: WinogradLanes>(_ g: (Int) -> L, _ put: (Int, L) -> Void)
    /// Gᵀ v: 2 tap gradients from α products.
    static func taps<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void)
}

extension WinogradForm {
    /// Products per tile along each axis.
    static var alpha: Int { m + 1 }
    /// Products per 2-D tile: one matrix product each.
    static var planes: Int { alpha * alpha }
}

/// F(2, 2) on the points 0, −1 and ∞ (up to sign): every entry is 0 or ±1, so the transforms
/// round no more than a few float additions.
enum WinogradF2: WinogradForm {
    static var m: Int { 2 }

    @inline(__always)
    static func data<L: WinogradLanes>(_ d: (Int) -> L, _ put: (Int, L) -> Void) {
        let d1 = d(1)
        put(0, d(0) - d1); put(1, d1); put(2, d(2) - d1)
    }

    @inline(__always)
    static func filter<L: WinogradLanes>(_ f: (Int) -> L, _ put: (Int, L) -> Void) {
        let f0 = f(0), f1 = f(1)
        put(0, f0); put(1, f0 + f1); put(2, f1)
    }

    @inline(__always)
    static func output<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void) {
        let v1 = v(1)
        put(0, v(0) + v1); put(1, v1 + v(2))
    }

    @inline(__always)
    static func gradient<L: WinogradLanes>(_ g: (Int) -> L, _ put: (Int, L) -> Void) {
        filter(g, put)
    }

    @inline(__always)
    static func taps<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void) {
        output(v, put)
    }
}

/// F(4, 2) on the points 0, 1, −1, 2 and ∞: 25 products per 4×4 tile and tap set where F(2, 2)
/// needs 36 and unfolding 64. The rows of Bᵀ are scaled to small integers (by 2, 2, 6, 6, 1)
/// and G's and A's rows divided to match; the thirds and sixths then fall on the weights and
/// output gradients, which are transformed once per tile set. In float32 the outputs differ
/// from the direct sums by about one rounding of their size (2.4e-7 on unit inputs).
enum WinogradF4: WinogradForm {
    static var m: Int { 4 }

    @inline(__always)
    static func data<L: WinogradLanes>(_ d: (Int) -> L, _ put: (Int, L) -> Void) {
        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4)
        let d1d3 = d1 - d3
        put(0, (d0 - d2) * 2 - d1d3)
        put(1, d1 * 2 + d2 - d3)
        put(2, d2 * 3 - d1 * 2 - d3)
        put(3, d3 - d1)
        put(4, d1d3 * 2 - d2 + d4)
    }

    @inline(__always)
    static func filter<L: WinogradLanes>(_ f: (Int) -> L, _ put: (Int, L) -> Void) {
        let f0 = f(0), f1 = f(1)
        put(0, f0 * 0.5)
        put(1, (f0 + f1) * 0.5)
        put(2, (f0 - f1) * (1 / 6))
        put(3, (f0 + f1 * 2) * (1 / 6))
        put(4, f1)
    }

    @inline(__always)
    static func output<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void) {
        let v1 = v(1), v2 = v(2), v3 = v(3)
        let sum = v1 + v2, difference = v1 - v2
        put(0, v(0) + sum + v3)
        put(1, difference + v3 * 2)
        put(2, sum + v3 * 4)
        put(3, difference + v3 * 8 + v(4))
    }

    @inline(__always)
    static func gradient<L: WinogradLanes>(_ g: (Int) -> L, _ put: (Int, L) -> Void) {
        let g0 = g(0), g1 = g(1), g2 = g(2), g3 = g(3)
        let even = g0 + g2, odd = g1 + g3
        put(0, g0 * 0.5)
        put(1, (even + odd) * 0.5)
        put(2, (even - odd) * (1 / 6))
        put(3, (g0 + g1 * 2 + g2 * 4 + g3 * 8) * (1 / 6))
        put(4, g3)
    }

    @inline(__always)
    static func taps<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, L) -> Void) {
        let v1 = v(1), v2 = v(2), v3 = v(3)
        put(0, v(0) + v1 + v2 + v3)
        put(1, v1 - v2 + v3 * 2 + v(4))
    }
}

/// What a transform runs on: a vector of channels or tiles, or one float.
protocol WinogradLanes {
    static var zero: Self { get }
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Float) -> Self
}

extension SIMD16: WinogradLanes where Scalar == Float {}
extension SIMD8: WinogradLanes where Scalar == Float {}
extension SIMD4: WinogradLanes where Scalar == Float {}
extension Float: WinogradLanes {}

/// A tile transform's intermediate rows: 25 lanes (F(4, 2)'s 5 × 5) in a local tuple, which
/// the compiler keeps in registers or on the stack. `withUnsafeTemporaryAllocation` checked the
/// stack at run time above 1 KiB (25 vectors of 16 floats) and then allocated on the heap, for
/// every tile.
struct WinogradScratch<L: WinogradLanes> {
    private var rows: (L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L)

    private init() {
        let z = L.zero
        rows = (z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z, z)
    }

    @inline(__always)
    static func with<R>(_ body: (UnsafeMutablePointer<L>) -> R) -> R {
        var scratch = WinogradScratch()
        return withUnsafeMutablePointer(to: &scratch.rows) {
            $0.withMemoryRebound(to: L.self, capacity: 25) { body($0) }
        }
    }
}

/// The 2-D transforms of one tile: the 1-D transform along rows, then along columns, through a
/// scratch of at most α × α lanes (`WinogradScratch`).
enum WinogradTile<F: WinogradForm> {
    /// Bᵀ d B of the α × α window d(i, j); plane ξ·α + η to put.
    @inline(__always)
    static func data<L: WinogradLanes>(_ d: (Int, Int) -> L, _ put: (Int, L) -> Void) {
        let a = F.alpha
        WinogradScratch<L>.with { rows in
            for j in 0..<a { F.data({ d($0, j) }, { rows[$0 * a + j] = $1 }) }
            for xi in 0..<a { F.data({ rows[xi * a + $0] }, { put(xi * a + $0, $1) }) }
        }
    }

    /// G f Gᵀ of the 2 × 2 taps f(a, a′).
    @inline(__always)
    static func filter<L: WinogradLanes>(_ f: (Int, Int) -> L, _ put: (Int, L) -> Void) {
        let a = F.alpha
        WinogradScratch<L>.with { rows in
            for j in 0..<2 { F.filter({ f($0, j) }, { rows[$0 * 2 + j] = $1 }) }
            for xi in 0..<a { F.filter({ rows[xi * 2 + $0] }, { put(xi * a + $0, $1) }) }
        }
    }

    /// Aᵀ v A of the α × α products v(plane): output (u, u′) of the m × m tile to put.
    @inline(__always)
    static func output<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, Int, L) -> Void) {
        let a = F.alpha, m = F.m
        WinogradScratch<L>.with { rows in
            for eta in 0..<a { F.output({ v($0 * a + eta) }, { rows[$0 * a + eta] = $1 }) }
            for u in 0..<m { F.output({ rows[u * a + $0] }, { put(u, $0, $1) }) }
        }
    }

    /// A g Aᵀ of the m × m output gradients g(u, u′).
    @inline(__always)
    static func gradient<L: WinogradLanes>(_ g: (Int, Int) -> L, _ put: (Int, L) -> Void) {
        let a = F.alpha, m = F.m
        WinogradScratch<L>.with { rows in
            for j in 0..<m { F.gradient({ g($0, j) }, { rows[$0 * m + j] = $1 }) }
            for xi in 0..<a { F.gradient({ rows[xi * m + $0] }, { put(xi * a + $0, $1) }) }
        }
    }

    /// Gᵀ v G of the α × α products: tap gradient (a, a′) of the 2 × 2 tap set to put.
    @inline(__always)
    static func taps<L: WinogradLanes>(_ v: (Int) -> L, _ put: (Int, Int, L) -> Void) {
        let a = F.alpha
        WinogradScratch<L>.with { rows in
            for eta in 0..<a { F.taps({ v($0 * a + eta) }, { rows[$0 * a + eta] = $1 }) }
            for u in 0..<2 { F.taps({ rows[u * a + $0] }, { put(u, $0, $1) }) }
        }
    }
}
