/// Dropout masks drawn by hashing (key, element index) instead of from a sequential stream.
///
/// A sequential generator makes one element wait for the previous one, so a mask could only be
/// drawn on one thread, an element at a time: 22% of a training step of the dropout variant.
/// Here element i's draw is a function of the layer's key (one draw from the run's dropout
/// stream per call) and i alone, computed 16 lanes at a time on every thread, and the mask is
/// the same whatever the thread count.
///
/// The draw: the index spread by a Weyl step and mixed with each half of the key through two
/// rounds of a 32-bit avalanche hash (Wellons' "lowbias32": every input bit flips each output
/// bit with probability close to 1/2). Its top 24 bits are compared with p·2²⁴, so an element
/// is dropped with probability p to within 2⁻²⁴.
public enum BernoulliMask {
    /// mask[i] = 0 with probability `drop`, else `keep`, for i in 0..<count.
    public static func fill(
        _ mask: UnsafeMutablePointer<Float>, count: Int, key: UInt64, drop: Float, keep: Float
    ) {
        let threshold = UInt32((Double(drop) * 16_777_216).rounded())
        let low = UInt32(truncatingIfNeeded: key), high = UInt32(truncatingIfNeeded: key >> 32)
        Engine.parallelFor(count, grain: 1 << 14) { range in
            let lanes = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            let kept = SIMD16<Int32>(repeating: Int32(bitPattern: keep.bitPattern))
            let limit = SIMD16<Int32>(repeating: Int32(threshold))
            var i = range.lowerBound
            while i + 16 <= range.upperBound {
                let bits = draw(SIMD16(repeating: UInt32(truncatingIfNeeded: i)) &+ lanes, low, high)
                // Dropped where bits >> 8 < threshold, both below 2²⁵: the sign of their
                // difference, spread over the lane, clears `keep`. (A lane comparison with
                // `.<` compiled to a branch per lane here: 9% of the dropout variant's step.)
                let below = (SIMD16<Int32>(truncatingIfNeeded: bits &>> 8) &- limit) &>> 31
                let values = kept & ~below
                UnsafeMutableRawPointer(mask + i).storeBytes(of: values, as: SIMD16<Int32>.self)
                i += 16
            }
            while i < range.upperBound {
                let bits = draw(SIMD16(repeating: UInt32(truncatingIfNeeded: i)), low, high)[0]
                mask[i] = bits >> 8 < threshold ? 0 : keep
                i += 1
            }
        }
    }

    @inline(__always)
    static func draw(_ index: SIMD16<UInt32>, _ low: UInt32, _ high: UInt32) -> SIMD16<UInt32> {
        mix(mix((index &* 0x9E37_79B9) ^ low) ^ high)
    }

    @inline(__always)
    private static func mix(_ value: SIMD16<UInt32>) -> SIMD16<UInt32> {
        var x = value
        x ^= x &>> 16
        x &*= 0x7FEB_352D
        x ^= x &>> 15
        x &*= 0x846C_A68B
        x ^= x &>> 16
        return x
    }
}
