import Tensor

/// A random stream shared by reference, so several layers draw from one saved sequence.
public final class RandomSource {
    public var stream: RandomStream
    public init(_ stream: RandomStream) { self.stream = stream }
}

/// `nn.Dropout(p)`, inverted: in training each element is zeroed with probability p and
/// the survivors scaled by 1/(1 − p); in evaluation it passes values through. The masks are
/// reproducible from the source's state, not PyTorch's (its generator is another).
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
        // One draw of the shared stream per call keys the whole mask (see `BernoulliMask`).
        BernoulliMask.fill(mask.data, count: mask.count, key: source.stream.next(),
                           drop: probability, keep: 1 / (1 - probability))
        return x.multiplied(byConstant: mask)
    }
}
