/// The hyperbolic tangent of float32 values, 16 lanes at a time.
///
/// The C library's `tanhf` is a scalar call per element (about 20 ns here); the generator's
/// output layer applies it to every pixel of every fake batch. This version stays within 2
/// ulp of the exact value (1 at worst over the tested range; see `VectorTanhTests`).
///
/// |x| < 0.625: tanh x = x + x³·P(x²), with P a degree-5 least-squares fit on Chebyshev nodes
/// (relative error 2e-10 in exact arithmetic, so float rounding dominates). Elsewhere
/// tanh |x| = 1 − 2 / (e^{2|x|} + 1), which has no cancellation once the result is above 0.55,
/// and rounds to 1 in float32 beyond |x| ≈ 9.01. The sign is copied back last, so tanh(−0) = −0.
enum VectorTanh {
    static func apply(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 16 <= count {
            let x = UnsafeRawPointer(src + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: tanh(x), as: SIMD16<Float>.self)
            i += 16
        }
        guard i < count else { return }
        // The tail goes through the same lanes, padded with zeros.
        var x = SIMD16<Float>()
        for j in 0..<(count - i) { x[j] = src[i + j] }
        let y = tanh(x)
        for j in 0..<(count - i) { dst[i + j] = y[j] }
    }

    @inline(__always)
    static func tanh(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let sign = bits & 0x8000_0000
        let a = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD16<Float>.self)

        let t = a * a
        var p = SIMD16<Float>(repeating: 0.002148984112028905)
        p = p * t - 0.008184661675878207
        p = p * t + 0.021704000402596024
        p = p * t - 0.05394745417018674
        p = p * t + 0.13333212501738645
        p = p * t - 0.3333333101037775
        let small = a + a * t * p

        // Clamped so e stays finite; tanh is 1 in float32 from |x| ≈ 9.01 on.
        let e = exp(2 * a.replacing(with: 10, where: .!(a .< 10)))
        let large = 1 - 2 / (e + 1)

        var magnitude = large.replacing(with: small, where: a .< 0.625)
        magnitude = magnitude.replacing(with: a, where: a .!= a)  // NaN stays NaN
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | sign, to: SIMD16<Float>.self)
    }

    /// e^y for 0 ≤ y ≤ 20: y = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two parts so
    /// n·ln 2 is exact), e^r by its degree-7 Taylor polynomial (truncation 5e-9), times 2^n
    /// built in the exponent bits.
    ///
    /// Adding 2²³ + 127 rounds y·log₂e to the nearest integer and leaves n + 127 in the low
    /// mantissa bits, which shifted up are the exponent of 2^n: no float-to-integer conversion,
    /// which the compiler does not vectorise for SIMD types (a library call per lane).
    @inline(__always)
    private static func exp(_ y: SIMD16<Float>) -> SIMD16<Float> {
        let magic: Float = 8_388_608 + 127
        let shifted = y * 1.442695040888963 + magic
        let n = shifted - magic
        let r = (y - n * 0.693145751953125) - n * 1.4286068202862268e-06
        var p = SIMD16<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let twoToN = unsafeBitCast(unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &<< 23, to: SIMD16<Float>.self)
        return p * twoToN
    }
}
