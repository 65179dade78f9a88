import CKernels
import Foundation
import Formats
import Tensor

/// Adam as PyTorch implements it (`torch.optim.Adam`, or `AdamW` when `decoupled`).
///
/// Per step t, with gradient g and parameter θ:
///   Adam:  g ← g + λθ (weight decay as L2, added to the gradient)
///   AdamW: θ ← θ(1 − ηλ) (decay applied to the weight directly)
///   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///   θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: Optimizer {
    public let groups: [ParameterGroup]
    public let beta1: Float, beta2: Float, eps: Float
    public let decoupled: Bool
    private var firstMoments: [Tensor]
    private var secondMoments: [Tensor]
    private var steps: [Int]

    public init(_ groups: [ParameterGroup], betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8, decoupled: Bool = false) {
        self.groups = groups
        (beta1, beta2) = betas
        self.eps = eps
        self.decoupled = decoupled
        let all = groups.flatMap(\.parameters)
        firstMoments = all.map { Tensor(shape: $0.shape) }
        secondMoments = all.map { Tensor(shape: $0.shape) }
        steps = all.map { _ in 0 }
    }

    public func step() {
        forEachGradient { index, group, p, grad in
            steps[index] += 1
            update(p.value, grad: grad, m: firstMoments[index], v: secondMoments[index],
                   step: steps[index], lr: group.learningRate, decay: group.weightDecay)
        }
    }

    private func update(_ theta: Tensor, grad: Tensor, m: Tensor, v: Tensor, step: Int, lr: Float, decay: Float) {
        let correction1 = 1 - Float(pow(Double(beta1), Double(step)))
        let correction2Root = Float(pow(Double(1 - pow(Double(beta2), Double(step))), 0.5))
        let stepSize = lr / correction1
        let (b1, b2, eps) = (beta1, beta2, self.eps)
        let mode: Int32 = decoupled ? 2 : decay != 0 ? 1 : 0
        let w = theta.data, g = grad.data, mm = m.data, vv = v.data
        // Each element on its own: split across threads, the same values for any split.
        Engine.parallelFor(theta.count, grain: 1 << 15) { range in
            let i = range.lowerBound
            ckernels_adam(w + i, g + i, mm + i, vv + i, range.count, b1, b2, eps, stepSize,
                          correction2Root, decay, 1 - lr * decay, mode)
        }
    }

    public func stateDict(prefix: String) -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for i in steps.indices {
            result["\(prefix)\(i).exp_avg"] = StoredTensor(shape: firstMoments[i].shape, floats: firstMoments[i].values)
            result["\(prefix)\(i).exp_avg_sq"] = StoredTensor(shape: secondMoments[i].shape, floats: secondMoments[i].values)
            result["\(prefix)\(i).step"] = StoredTensor(shape: [], int64s: [Int64(steps[i])])
        }
        return result
    }

    public func loadStateDict(_ state: [String: StoredTensor], prefix: String) throws {
        for i in steps.indices {
            try restore(firstMoments[i], from: state, key: "\(prefix)\(i).exp_avg")
            try restore(secondMoments[i], from: state, key: "\(prefix)\(i).exp_avg_sq")
            guard let step = state["\(prefix)\(i).step"] else {
                throw StateDictError("optimiser state is missing '\(prefix)\(i).step'")
            }
            steps[i] = Int(step.doubles()[0])
        }
    }
}
