/// Convolutions as three mutually differentiable ops over one `ConvGeometry`:
/// `y = conv(x, w)`, `dx = inputGrad(dy, w)` and `dw = weightGrad(x, dy)`. Each is
/// bilinear and the adjoint of each is written with the other two, so gradients of
/// gradients come for free. A transposed convolution is `inputGrad`.
extension Variable {
    /// PyTorch `F.conv2d` without bias; weight [out, in, kH, kW].
    ///
    /// With `rectifierSlope`, the result goes on through a leaky ReLU with that slope (0 for a
    /// ReLU), applied to each chunk of the output while it is still in cache: the values and
    /// gradients of `.conv2d(...).leakyRelu(slope:)` without a separate pass over the output.
    public func conv2d(
        weight: Variable, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        rectifierSlope: Float? = nil
    ) -> Variable {
        precondition(shape.count == 4 && weight.shape.count == 4 && shape[1] == weight.shape[1],
                     "conv2d: input \(shape) with weight \(weight.shape)")
        let kernel = (weight.shape[2], weight.shape[3])
        let g = ConvGeometry(
            batch: shape[0], inChannels: shape[1], outChannels: weight.shape[0],
            inHeight: shape[2], inWidth: shape[3],
            outHeight: ConvGeometry.convolutionOutput(shape[2], kernel: kernel.0, stride: stride.0, padding: padding.0),
            outWidth: ConvGeometry.convolutionOutput(shape[3], kernel: kernel.1, stride: stride.1, padding: padding.1),
            kernel: kernel, stride: stride, padding: padding)
        precondition(g.outHeight > 0 && g.outWidth > 0, "conv2d: input \(shape) is smaller than kernel \(kernel)")
        guard let slope = rectifierSlope else { return Variable.convolve(self, weight, g) }
        return Variable.convolveAndRectify(self, weight, g, slope: slope)
    }

    /// PyTorch `F.conv_transpose2d` without bias; weight [in, out, kH, kW].
    public func convTranspose2d(
        weight: Variable, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
        outputPadding: (Int, Int) = (0, 0)
    ) -> Variable {
        precondition(shape.count == 4 && weight.shape.count == 4 && shape[1] == weight.shape[0],
                     "convTranspose2d: input \(shape) with weight \(weight.shape)")
        let kernel = (weight.shape[2], weight.shape[3])
        let g = ConvGeometry(
            batch: shape[0], inChannels: weight.shape[1], outChannels: shape[1],
            inHeight: ConvGeometry.transposedOutput(
                shape[2], kernel: kernel.0, stride: stride.0, padding: padding.0, outputPadding: outputPadding.0),
            inWidth: ConvGeometry.transposedOutput(
                shape[3], kernel: kernel.1, stride: stride.1, padding: padding.1, outputPadding: outputPadding.1),
            outHeight: shape[2], outWidth: shape[3], kernel: kernel, stride: stride, padding: padding)
        return Variable.convolutionInputGradient(self, weight, g)
    }

    /// conv(x, w); `y` is its value when already computed.
    static func convolve(_ x: Variable, _ w: Variable, _ g: ConvGeometry, value known: Tensor? = nil) -> Variable {
        let y = known ?? Tensor(uninitialized: g.yShape)
        if known == nil {
            ConvolutionKernels.forward(g, x: x.value.data, weight: w.value.data, y: y.data)
        }
        return record(y, op: "conv2d", inputs: [x, w]) { dy in
            [x.requiresGrad ? convolutionInputGradient(dy, w, g) : nil,
             w.requiresGrad ? convolutionWeightGradient(x, dy, g) : nil]
        }
    }

    /// leakyReLU(conv(x, w)). The rectifier's gradient mask is read from the output: with a
    /// slope ≥ 0 the output is positive exactly where the convolution was, so conv's own value
    /// need not be kept.
    static func convolveAndRectify(_ x: Variable, _ w: Variable, _ g: ConvGeometry, slope: Float) -> Variable {
        precondition(slope >= 0, "conv2d: a rectifier slope must be ≥ 0, got \(slope)")
        let z = Tensor(uninitialized: g.yShape)
        ConvolutionKernels.forward(g, x: x.value.data, weight: w.value.data, y: z.data, rectifierSlope: slope)
        return record(z, op: "conv2d_rectifier", inputs: [x, w]) { dz in
            let dy = dz.leakyScaled(by: z, slope: slope)
            return [x.requiresGrad ? convolutionInputGradient(dy, w, g) : nil,
                    w.requiresGrad ? convolutionWeightGradient(x, dy, g) : nil]
        }
    }

    static func convolutionInputGradient(_ dy: Variable, _ w: Variable, _ g: ConvGeometry) -> Variable {
        let dx = Tensor(uninitialized: g.xShape)
        ConvolutionKernels.inputGradient(g, dy: dy.value.data, weight: w.value.data, dx: dx.data)
        return record(dx, op: "conv2d_input_grad", inputs: [dy, w]) { gx in
            guard dy.requiresGrad && w.requiresGrad else {
                return [dy.requiresGrad ? convolve(gx, w, g) : nil,
                        w.requiresGrad ? convolutionWeightGradient(gx, dy, g) : nil]
            }
            // Both adjoints unfold gx: compute them in one pass.
            let y = Tensor(uninitialized: g.yShape), dw = Tensor(uninitialized: g.weightShape)
            ConvolutionKernels.forwardAndWeightGradient(
                g, x: gx.value.data, weight: w.value.data, dy: dy.value.data, y: y.data, dw: dw.data)
            return [convolve(gx, w, g, value: y), convolutionWeightGradient(gx, dy, g, value: dw)]
        }
    }

    /// conv_weight_grad(x, dy); `dw` is its value when already computed.
    static func convolutionWeightGradient(
        _ x: Variable, _ dy: Variable, _ g: ConvGeometry, value known: Tensor? = nil
    ) -> Variable {
        let dw = known ?? Tensor(uninitialized: g.weightShape)
        if known == nil {
            ConvolutionKernels.weightGradient(g, x: x.value.data, dy: dy.value.data, dw: dw.data)
        }
        return record(dw, op: "conv2d_weight_grad", inputs: [x, dy]) { gw in
            [x.requiresGrad ? convolutionInputGradient(dy, gw, g) : nil,
             dy.requiresGrad ? convolve(x, gw, g) : nil]
        }
    }
}
