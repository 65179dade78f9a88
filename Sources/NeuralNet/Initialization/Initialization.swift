import Tensor

/// How a network's weights are first drawn.
public enum Initialization: String, Codable, Sendable {
    /// Radford et al. (2015): convolution weights N(0, 0.02); BatchNorm scale N(1, 0.02),
    /// shift 0; other layers keep PyTorch's defaults.
    case dcgan
    /// PyTorch's own defaults: U(−1/√fanIn, 1/√fanIn) for convolution and linear weights
    /// and biases (kaiming_uniform with a = √5), BatchNorm scale 1 and shift 0.
    case pytorchDefault = "pytorch"

    /// Draws every parameter of `module` and its descendants from `stream`, in the
    /// modules' registration order.
    public func apply(to module: Module, stream: inout RandomStream) {
        visit(module, &stream)
    }

    private func visit(_ module: Module, _ stream: inout RandomStream) {
        switch module {
        case let conv as Conv2d:
            initialiseConvolution(conv.weight, conv.bias, fanIn: conv.fanIn, &stream)
        case let conv as ConvTranspose2d:
            initialiseConvolution(conv.weight, conv.bias, fanIn: conv.fanIn, &stream)
        case let linear as Linear:
            Initialization.uniformFanIn(linear.weight, linear.bias, fanIn: linear.fanIn, &stream)
        case let norm as BatchNorm2d:
            norm.bias.value.fill(0)
            if self == .dcgan {
                stream.fillNormal(norm.weight.value.buffer, mean: 1, std: 0.02)
            } else {
                norm.weight.value.fill(1)
            }
        default:
            break
        }
        for child in module.children { visit(child.module, &stream) }
    }

    private func initialiseConvolution(_ weight: Variable, _ bias: Variable?, fanIn: Int, _ stream: inout RandomStream) {
        guard self == .dcgan else {
            Initialization.uniformFanIn(weight, bias, fanIn: fanIn, &stream)
            return
        }
        stream.fillNormal(weight.value.buffer, mean: 0, std: 0.02)
        bias?.value.fill(0)
    }

    private static func uniformFanIn(_ weight: Variable, _ bias: Variable?, fanIn: Int, _ stream: inout RandomStream) {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        stream.fillUniform(weight.value.buffer, low: -bound, high: bound)
        if let bias { stream.fillUniform(bias.value.buffer, low: -bound, high: bound) }
    }
}
