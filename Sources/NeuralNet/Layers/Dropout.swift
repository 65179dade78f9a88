import Tensor

/// A random stream shared by reference, so several layers draw from one saved sequence.
public final class RandomSource {
    public var stream: RandomStream
    public init(_ stream: RandomStream) { self.stream = stream }
}

/// `nn.Dropout(p)`, inverted: in training each element is zeroed with probability p and
/// the survivors scaled by 1/(1 − p); in evaluation it passes values through.
public final class Dropout: Module {
    public let probability: Float
    public let source: RandomSource
    public var isTraining = true

    public init(_ probability: Float, source: RandomSource) {
        precondition(probability >= 0 && probability < 1, "Dropout: p must be in [0, 1), got \(probability)")
        self.probability = probability
        self.source = source
    }

    public func callAsFunction(_ x: Variable) -> Variable {
        guard isTraining, probability > 0 else { return x }
        let mask = Tensor(uninitialized: x.shape)
        let keep = 1 / (1 - probability)
        for i in 0..<mask.count {
            mask.data[i] = source.stream.nextUniform() < probability ? 0 : keep
        }
        return x.multiplied(byConstant: mask)
    }
}
