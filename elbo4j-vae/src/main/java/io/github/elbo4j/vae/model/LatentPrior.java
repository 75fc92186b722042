package io.github.elbo4j.vae.model;

import io.github.elbo4j.data.SettingException;
import java.util.Arrays;

/** The prior p(z) of a VAE. */
public enum LatentPrior {
    /** p(z) = N(0, I); the KL term has a closed form. */
    NORMAL("normal"),
    /**
     * The VampPrior of Tomczak &amp; Welling 2018 ("VAE with a VampPrior", AISTATS): the uniform
     * mixture p(z) = (1/N) Σ_n q(z|u_n) of the encoder's posteriors at N learned pseudo-inputs u_n
     * (weight {@code prior.pseudo_inputs} [N, features], clamped to [0, 1], starting at random
     * training records). Its KL term is
     * estimated by Monte Carlo, and the IWAE bound uses the mixture density.
     */
    VAMP("vamp");

    private final String id;

    LatentPrior(String id) {
        this.id = id;
    }

    /** The name used on the command line and in {@code model.json}. */
    public String id() {
        return id;
    }

    /** Parses {@code normal} or {@code vamp}. */
    public static LatentPrior parse(String text) {
        for (LatentPrior p : values()) {
            if (p.id.equals(text == null ? "" : text.strip())) {
                return p;
            }
        }
        throw new SettingException(
                "prior must be one of "
                        + Arrays.stream(values()).map(LatentPrior::id).toList() + ", got '" + text + "'",
                "prior");
    }
}
