// Linear regression with the priors elbo4j vi uses in benchmarks/vi-vs-stan.R (given as data).
data {
  int<lower=1> N;
  int<lower=1> P;
  matrix[N, P] X;
  vector[N] y;
  real intercept_loc;
  real<lower=0> intercept_scale;
  vector<lower=0>[P] beta_scale;
  real<lower=0> sigma_rate;
}
parameters {
  real intercept;
  vector[P] beta;
  real<lower=0> sigma;
}
model {
  intercept ~ normal(intercept_loc, intercept_scale);
  beta ~ normal(0, beta_scale);
  sigma ~ exponential(sigma_rate);
  y ~ normal(intercept + X * beta, sigma);
}
