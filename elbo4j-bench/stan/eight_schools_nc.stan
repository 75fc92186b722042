// Non-centered eight schools: mu ~ N(0, 5), tau ~ half-Cauchy(0, 5), theta = mu + tau * theta_raw.
data {
  real y[8];
  real<lower=0> sigma[8];
}
parameters {
  real mu;
  real<lower=0> tau;
  vector[8] theta_raw;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  theta_raw ~ std_normal();
  y ~ normal(mu + tau * theta_raw, sigma);
}
