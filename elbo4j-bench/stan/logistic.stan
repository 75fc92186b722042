// Logistic regression with normal(0, 2.5 / sd(x_j)) coefficients and a normal(0, 10) intercept.
data {
  int<lower=1> N;
  int<lower=1> P;
  matrix[N, P] X;
  int<lower=0, upper=1> y[N];
  vector<lower=0>[P] beta_scale;
}
parameters {
  real intercept;
  vector[P] beta;
}
model {
  intercept ~ normal(0, 10);
  beta ~ normal(0, beta_scale);
  y ~ bernoulli_logit(intercept + X * beta);
}
