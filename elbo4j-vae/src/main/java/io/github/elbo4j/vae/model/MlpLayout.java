package io.github.elbo4j.vae.model;

/**
 * An MLP VAE's layer widths and where each layer's weight and bias start in the flat parameter
 * vector ({@link VaeModel#layoutOf}), as the fused code reads them: weights are [out, in] row-major.
 *
 * @param encoderWidths the encoder's input and hidden widths, input first; a conditional model's
 *     input is x followed by the one-hot condition
 * @param decoderWidths the decoder's hidden widths and its output width, output last
 * @param encoderWeight offsets of the encoder's hidden-layer weights
 * @param encoderBias offsets of the encoder's hidden-layer biases
 * @param decoderWeight offsets of the decoder's hidden-layer and output weights
 * @param decoderBias offsets of the decoder's hidden-layer and output biases
 * @param logScale offset of the learned log σ ({@code decoder.log_scale}), or −1 when the
 *     likelihood learns none
 */
public record MlpLayout(
        int[] encoderWidths,
        int[] decoderWidths,
        int[] encoderWeight,
        int[] encoderBias,
        int[] decoderWeight,
        int[] decoderBias,
        int locWeight,
        int locBias,
        int logVarWeight,
        int logVarBias,
        int logScale) {

    /** The widths and flat-vector offsets of {@code config}'s MLP layers, read from {@link VaeModel#layoutOf}. */
    public static MlpLayout of(VaeConfig config) {
        int[] hidden = config.hidden();
        int layers = hidden.length;
        int[] encoderWidths = new int[layers + 1];
        int[] decoderWidths = new int[layers + 1];
        encoderWidths[0] = config.inputSize() + config.conditions();
        for (int i = 0; i < layers; i++) {
            encoderWidths[i + 1] = hidden[i];
            decoderWidths[i] = hidden[layers - 1 - i];
        }
        decoderWidths[layers] = config.inputSize();
        ParameterLayout layout = VaeModel.layoutOf(config);
        int[] encoderWeight = new int[layers];
        int[] encoderBias = new int[layers];
        int[] decoderWeight = new int[layers + 1];
        int[] decoderBias = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            encoderWeight[i] = offset(layout, "encoder.hidden." + i + ".weight");
            encoderBias[i] = offset(layout, "encoder.hidden." + i + ".bias");
            decoderWeight[i] = offset(layout, "decoder.hidden." + i + ".weight");
            decoderBias[i] = offset(layout, "decoder.hidden." + i + ".bias");
        }
        decoderWeight[layers] = offset(layout, "decoder.out.weight");
        decoderBias[layers] = offset(layout, "decoder.out.bias");
        return new MlpLayout(
                encoderWidths,
                decoderWidths,
                encoderWeight,
                encoderBias,
                decoderWeight,
                decoderBias,
                offset(layout, "encoder.loc.weight"),
                offset(layout, "encoder.loc.bias"),
                offset(layout, "encoder.log_var.weight"),
                offset(layout, "encoder.log_var.bias"),
                config.learnedScales() > 0 ? offset(layout, VaeModel.LOG_SCALE) : -1);
    }

    /** Number of hidden layers, the same in the encoder and the decoder. */
    public int hiddenLayers() {
        return encoderWeight.length;
    }

    private static int offset(ParameterLayout layout, String name) {
        return Math.toIntExact(layout.entry(name).offset());
    }
}
