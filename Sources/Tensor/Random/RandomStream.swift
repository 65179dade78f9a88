import Foundation

/// A seeded pseudo-random stream (xoshiro256**, seeded through SplitMix64).
///
/// One seed gives several independent streams, one per purpose (`RandomStream(seed:
/// purpose: "init")`), so drawing more numbers for one use never shifts another. The whole
/// state is four words, saved in checkpoints so a resumed run continues the same sequence.
public struct RandomStream: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// A stream from a seed and a purpose label (hashed into the seed).
    public init(seed: UInt64, purpose: String = "") {
        var mix = seed ^ RandomStream.hash(purpose)
        state = (
            RandomStream.splitMix(&mix), RandomStream.splitMix(&mix),
            RandomStream.splitMix(&mix), RandomStream.splitMix(&mix)
        )
    }

    /// A stream restored from saved state words.
    public init(state words: [UInt64]) {
        precondition(words.count == 4, "RandomStream state has 4 words")
        state = (words[0], words[1], words[2], words[3])
    }

    /// The state as four words, for saving.
    public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

    public static func == (a: RandomStream, b: RandomStream) -> Bool {
        a.stateWords == b.stateWords
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every Float in the grid is equally likely).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniformDouble() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A standard normal draw (Box-Muller; one draw per call so the sequence does not
    /// depend on how calls are grouped).
    public mutating func nextNormal() -> Float {
        let u1 = max(nextUniformDouble(), 1e-300)
        let u2 = nextUniformDouble()
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Fills `buffer` with N(mean, std^2) draws.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        for i in buffer.indices { buffer[i] = mean + std * nextNormal() }
    }

    /// Fills `buffer` with uniform draws in [low, high).
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float, high: Float) {
        for i in buffer.indices { buffer[i] = low + (high - low) * nextUniform() }
    }

    /// A uniformly random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        var i = n - 1
        while i > 0 {
            let j = Int(next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a of the purpose label: stable across runs and platforms (unlike `hashValue`).
    private static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}

@inline(__always)
private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
