import Formats
import Tensor

/// Stochastic gradient descent with momentum as PyTorch's `torch.optim.SGD` (no dampening,
/// no Nesterov): b ← μb + (g + λθ) (b = g + λθ on the first step), θ ← θ − ηb.
public final class SGD: Optimizer {
    public let groups: [ParameterGroup]
    public let momentum: Float
    private var buffers: [Tensor?]

    public init(_ groups: [ParameterGroup], momentum: Float = 0) {
        self.groups = groups
        self.momentum = momentum
        buffers = groups.flatMap(\.parameters).map { _ in nil }
    }

    public func step() {
        forEachGradient { index, group, p, grad in
            let w = p.value.data, g = grad.data
            let direction = Tensor(uninitialized: p.shape)
            for i in 0..<p.value.count { direction.data[i] = g[i] + group.weightDecay * w[i] }
            if momentum != 0 {
                if let b = buffers[index] {
                    for i in 0..<b.count { b.data[i] = momentum * b.data[i] + direction.data[i] }
                    direction.assign(b)
                } else {
                    buffers[index] = direction.copy()
                }
            }
            for i in 0..<p.value.count { w[i] -= group.learningRate * direction.data[i] }
        }
    }

    public func stateDict(prefix: String) -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for (i, b) in buffers.enumerated() {
            if let b { result["\(prefix)\(i).momentum_buffer"] = StoredTensor(shape: b.shape, floats: b.values) }
        }
        return result
    }

    public func loadStateDict(_ state: [String: StoredTensor], prefix: String) throws {
        let shapes = groups.flatMap(\.parameters).map(\.shape)
        for i in buffers.indices {
            guard state["\(prefix)\(i).momentum_buffer"] != nil else {
                buffers[i] = nil
                continue
            }
            let b = Tensor(shape: shapes[i])
            try restore(b, from: state, key: "\(prefix)\(i).momentum_buffer")
            buffers[i] = b
        }
    }
}
