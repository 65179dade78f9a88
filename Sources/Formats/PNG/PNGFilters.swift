/// PNG's five scanline filters (spec section 9). Each predicts a byte from its left (`a`),
/// upper (`b`) and upper-left (`c`) neighbours, a pixel's width (`bpp` bytes) away.
enum PNGFilter: UInt8, CaseIterable {
    case none = 0
    case sub = 1
    case up = 2
    case average = 3
    case paeth = 4

    /// The predictor for this filter.
    @inline(__always)
    func predict(a: UInt8, b: UInt8, c: UInt8) -> UInt8 {
        switch self {
        case .none: return 0
        case .sub: return a
        case .up: return b
        case .average: return UInt8((Int(a) + Int(b)) / 2)
        case .paeth: return PNGFilter.paethPredictor(a, b, c)
        }
    }

    /// Whichever of a, b, c is closest to a + b - c, ties broken in that order.
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a))
        let pb = abs(p - Int(b))
        let pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// Filters one row into `out` (which holds the row's filtered bytes, no type byte).
    func apply(
        row: ArraySlice<UInt8>, previous: ArraySlice<UInt8>?, bpp: Int, into out: inout [UInt8]
    ) {
        let r = row.startIndex
        let p = previous?.startIndex ?? 0
        for i in 0..<row.count {
            let a = i >= bpp ? row[r + i - bpp] : 0
            let b = previous.map { $0[p + i] } ?? 0
            let c = i >= bpp ? (previous.map { $0[p + i - bpp] } ?? 0) : 0
            out[i] = row[r + i] &- predict(a: a, b: b, c: c)
        }
    }

    /// Reverses the filter in place on `data[start..<start+length]`, the row above being at
    /// `start - stride` (absent for the first row).
    func undo(
        _ data: inout [UInt8], start: Int, length: Int, bpp: Int, hasPrevious: Bool, stride: Int
    ) {
        data.withUnsafeMutableBufferPointer { d in
            for i in 0..<length {
                let a = i >= bpp ? d[start + i - bpp] : 0
                let b = hasPrevious ? d[start + i - stride] : 0
                let c = (hasPrevious && i >= bpp) ? d[start + i - stride - bpp] : 0
                d[start + i] = d[start + i] &+ predict(a: a, b: b, c: c)
            }
        }
    }
}
