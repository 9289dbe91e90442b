{#-
  materialized='logistic_regression': trains a binary logistic regression inside the warehouse.

  The model's SQL selects the training rows. Config:
    features      list of numeric columns (required)
    label         0/1 column (default 'label')
    solver        'newton' (IRLS: gradient and Hessian in one scan per iteration, solved here
                  in Jinja), 'lbfgs' (limited-memory BFGS, the first-order method to use:
                  one scan per iteration, see below) or 'gradient_descent' (full-batch
                  steepest descent, one scan per iteration)
    learning_rate gradient_descent only: 'line_search' (default: each scan also evaluates the
                  loss and gradient at four candidate step sizes) or a constant step on the
                  standardized scale
    memory        lbfgs only: how many past steps shape the direction (default 10)
    l2            L2 penalty on the non-intercept weights, as scikit-learn's 1/C (default 0)
    class_weight  none, 'balanced', or {0: w0, 1: w1}
    max_iter, tol stop after max_iter scans or when the relative loss improvement < tol
    warm_start_fraction  newton only (default 0: off): first run Newton to tol on a fixed
                  pseudo-random share of that size of the standardized rows (<name>__lr_sample,
                  the objective's penalty kept at l2 / (2 n) of the full n so both optima are
                  close), then continue on all rows with the exact gradient and the sample's
                  last Hessian (subsampled Newton: the full scans sum k + 2 columns instead of
                  about k^2 / 2, and still converge to the exact optimum because the gradient
                  is exact; the Hessian only shapes the step; after 3 such scans, full Newton
                  scans take over, for samples too small to converge fast). Sample scans count towards
                  max_iter; the history's n_rows column says how many rows each scan read.

  The input is read once, into <name>__lr_data (label and features cast to floats). One scan
  of that computes the feature means and standard deviations and the per-class
  sums that give the exact gradient at the start point (the intercept at the class-weighted
  logit of the mean label, the other weights 0), so no scan is spent there. A second writes
  the standardized features into <name>__lr_z (no class-weight column when both weights are
  1; with warm_start_fraction the scans standardize the copy inline instead); each
  iteration is then one aggregate scan of that (newton and
  gradient_descent cross-join the one-row weights table <name>__lr_weights; lbfgs writes its
  weights and direction into the SQL).

  lbfgs: each scan computes, per row, the score u = w.z and the direction's v = d.z once,
  then for the step a = 1 the loss and the full gradient at w + a d, and for the backup steps
  0.5, 0.25, 0.1 the loss and the directional derivative (the first scan, whose step scale
  is a guess, gets the full gradient at all four). a = 1 is taken when it decreases the loss
  enough (Armijo); otherwise the best backup meeting Armijo (preferring one that also meets
  the strong Wolfe curvature condition) is evaluated with its gradient by the next scan; if
  none, the next scan tries the steps ten times shorter along the same direction.

  Results: the model table (feature, weight, mean, std; weights on
  the standardized scale, the intercept as feature '(intercept)') and <name>__history
  (iteration, loss, grad_norm, step_size, duration_s, n_rows: the rows the scan read, fewer
  than the training rows on warm_start_fraction's sample, whose loss is the sample's). Score with logistic_regression_score().
-#}
{% materialization logistic_regression, default %}
  {%- set features = config.require('features') -%}
  {%- set label = config.get('label', 'label') -%}
  {%- set solver = config.get('solver', 'newton') -%}
  {%- set learning_rate = config.get('learning_rate', 'line_search') -%}
  {%- set l2 = config.get('l2', 0.0) | float -%}
  {%- set max_iter = config.get('max_iter', 100) | int -%}
  {%- set tol = config.get('tol', 0.000001) | float -%}
  {%- set class_weight = config.get('class_weight', none) -%}
  {%- set k = features | length -%}
  {%- set dbl = dbt.type_float() -%}
  {%- set memory = config.get('memory', 10) | int -%}
  {%- set warm_fraction = config.get('warm_start_fraction', 0) | float -%}
  {%- if solver not in ['newton', 'lbfgs', 'gradient_descent'] -%}
    {{ exceptions.raise_compiler_error("logistic_regression: solver must be 'newton', 'lbfgs' or 'gradient_descent', not '" ~ solver ~ "' (" ~ this ~ ")") }}
  {%- endif -%}

  {%- set raw_rel = logistic_regression__scratch_relation(this, '__lr_data') -%}
  {%- set weights_rel = logistic_regression__scratch_relation(this, '__lr_weights') -%}
  {%- set sample_rel = logistic_regression__scratch_relation(this, '__lr_sample') -%}
  {%- if warm_fraction < 0 or warm_fraction >= 1 or (warm_fraction > 0 and solver != 'newton') -%}
    {{ exceptions.raise_compiler_error("logistic_regression: warm_start_fraction must be in [0, 1) and needs solver='newton' (" ~ this ~ ")") }}
  {%- endif -%}
  {%- set history_rel = api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__history', type='table') -%}
  {%- set tmp_rel = api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__dbt_tmp', type='table') -%}
  {%- set tmp_history_rel = api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__history__dbt_tmp', type='table') -%}

  {{ run_hooks(pre_hooks) }}

  {#- 1. The training rows as floats (label y, features x1..xk, NULLs kept): the model's SQL
      is read once. At full scale on DuckDB, reading the input table (integer, hugeint and
      double columns) cost 6-10 s a pass, the in-memory copy about 1 s a pass, so this copy
      and a stats scan of it replaced a stats scan of the input and a second read to
      build the standardized table (measured: 6 + 2 s instead of 10 + 10-17 s). -#}
  {% call statement('lr_data') -%}
    drop table if exists {{ raw_rel }};
    create {{ logistic_regression__scratch_kind() }}table {{ raw_rel }} as
    select cast({{ label }} as {{ dbl }}) as y
      {%- for f in features %},
      cast({{ f }} as {{ dbl }}) as x{{ loop.index }}
      {%- endfor %}
    from ({{ sql }}) as lr_input
  {%- endcall %}

  {#- 2. Feature means and standard deviations, the class counts: one scan of that copy. The
      first-order solvers also need the positives' sums for the start point's gradient;
      Newton, which starts at 0 and computes its own, skips those 2k sums (full scale on
      DuckDB: about 0.4 s of the scan's 1.4 s CPU). -#}
  {%- set stats_sql -%}
    select count(*) as n, sum(case when y = 1 then 1 else 0 end) as n_pos
    {%- for f in features %},
      avg(x{{ loop.index }}) as m_{{ loop.index }},
      stddev_pop(x{{ loop.index }}) as s_{{ loop.index }}
    {%- endfor %}
    {%- if solver != 'newton' %}
    {%- for f in features %},
      sum(case when y = 1 then x{{ loop.index }} end) as sp_{{ loop.index }},
      count(case when y = 1 then x{{ loop.index }} end) as cp_{{ loop.index }}
    {%- endfor %}
    {%- endif %}
    from {{ raw_rel }}
  {%- endset -%}
  {%- set stats = run_query(stats_sql).rows[0] -%}
  {%- set n = stats[0] | float -%}
  {%- set n_pos = stats[1] | float -%}
  {%- if n == 0 or n_pos == 0 or n_pos == n -%}
    {{ exceptions.raise_compiler_error("logistic_regression: the training rows of " ~ this ~ " need both classes (rows: " ~ n ~ ", positives: " ~ n_pos ~ ")") }}
  {%- endif -%}
  {%- set means = [] -%}{%- set stds = [] -%}
  {%- for i in range(k) -%}
    {%- do means.append((stats[2 + 2 * i] or 0) | float) -%}
    {%- set s = (stats[3 + 2 * i] or 0) | float -%}
    {%- do stds.append(s if s > 0 else 1.0) -%}
  {%- endfor -%}
  {%- if class_weight == 'balanced' -%}
    {%- set cw0 = n / (2 * (n - n_pos)) -%}{%- set cw1 = n / (2 * n_pos) -%}
  {%- elif class_weight is mapping -%}
    {%- set cw0 = (class_weight.get(0, class_weight.get('0', 1.0))) | float -%}
    {%- set cw1 = (class_weight.get(1, class_weight.get('1', 1.0))) | float -%}
  {%- else -%}
    {%- set cw0 = 1.0 -%}{%- set cw1 = 1.0 -%}
  {%- endif -%}
  {%- set weighted = cw0 != 1.0 or cw1 != 1.0 -%}

  {#- The start point: the intercept-only optimum b0 = logit(P), P the class-weighted share of
      positives, and its loss and gradient in closed form. With z standardized over the
      non-NULL values, the sum of z_j over the positives is Zj = (sum of x_j - mean_j * count)
      / std_j over the positives' non-NULL x_j, and over the negatives it is -Zj, so
      dL/dw_j = -Zj (cw0 P + cw1 (1 - P)) / n and dL/db = 0. -#}
  {%- set wpos = cw1 * n_pos -%}{%- set wneg = cw0 * (n - n_pos) -%}
  {%- set p0 = wpos / (wpos + wneg) -%}
  {%- set b0 = logistic_regression__ln(wpos / wneg) -%}
  {%- set loss0 = -(wpos * logistic_regression__ln(p0) + wneg * logistic_regression__ln(1 - p0)) / n -%}
  {%- set grad0 = [0.0] -%}
  {%- for i in (range(k) if solver != 'newton' else []) -%}
    {%- set zpos = ((stats[2 + 2 * k + 2 * i] or 0) | float - means[i] * (stats[3 + 2 * k + 2 * i] or 0) | float) / stds[i] -%}
    {%- do grad0.append(-zpos * (cw0 * p0 + cw1 * (1 - p0)) / n) -%}
  {%- endfor -%}

  {#- The standardized rows (missing values become the mean, i.e. 0). With a warm start, whose
      few full scans sum only the gradient, a subquery of the copy computing z inline in each
      scan (measured at full scale on DuckDB: a gradient scan 1.1-1.3 s instead of 0.8 s
      from a standardized table, whose build cost 2.5-3.9 s); otherwise the table
      <name>__lr_z, since inline z made each Newton scan 1.2 s slower (5.2 s, not 4.0 s). -#}
  {%- set z_sql -%}
    (select y
      {%- if weighted %},
      cast(case when y = 1 then {{ cw1 }} else {{ cw0 }} end as {{ dbl }}) as cw
      {%- endif %}
      {%- for f in features %},
      coalesce((x{{ loop.index }} - {{ means[loop.index0] }}) / {{ stds[loop.index0] }}, 0) as z{{ loop.index }}
      {%- endfor %}
    from {{ raw_rel }})
  {%- endset -%}
  {%- set z_rel = logistic_regression__scratch_relation(this, '__lr_z') -%}
  {%- if warm_fraction > 0 -%}
    {%- set data_rel = z_sql -%}
  {%- else -%}
    {% call statement('lr_z') -%}
      drop table if exists {{ z_rel }};
      create {{ logistic_regression__scratch_kind() }}table {{ z_rel }} as
      select * from {{ z_sql }} as d
    {%- endcall %}
    {#- The copy is no longer read: free its memory (1.5 GB at full scale on DuckDB). -#}
    {%- do adapter.drop_relation(raw_rel) -%}
    {%- set data_rel = z_rel -%}
  {%- endif -%}
  {%- set ns = n -%}
  {%- if warm_fraction > 0 -%}
    {% call statement('lr_sample') -%}
      drop table if exists {{ sample_rel }};
      create {{ logistic_regression__scratch_kind() }}table {{ sample_rel }} as
      select * from {{ data_rel }} as d
      where {{ logistic_regression__sample_filter(k, warm_fraction) }}
    {%- endcall %}
    {%- set ns = run_query('select count(*) from ' ~ sample_rel).rows[0][0] | float -%}
  {%- endif -%}

  {#- 3. Iterate. w[0] is the intercept; the objective is the class-weighted mean log loss
       plus l2 / (2 n) * |w[1:]|^2. -#}
  {#- Loop variables live in a namespace: a plain set inside a for loop does not survive
       to the next iteration in Jinja. -#}
  {#- Newton starts at w = 0 and its first scan evaluates it (its stopping rule compares
      consecutive scans): on the full-scale Instacart table Newton from b0 overshot on its
      third step and needed 7 scans to the optimum + 1e-4 against 6 from 0. The first-order
      methods start at b0 with the closed-form loss and gradient. lbfgs: S, Y the
      remembered steps and gradient changes, gamma the initial inverse-Hessian scale (at the
      start the Hessian's diagonal is about P (1 - P) times the mean class weight), pending a
      backup step to take along dir, scale the factor on the candidate steps. -#}
  {#- phase: 'sample' (Newton on the warm-start sample), 'subsampled' (full rows, the
      sample's Hessian H) or 'full'. -#}
  {%- set st = namespace(phase=('sample' if warm_fraction > 0 and ns > 0 else 'full'), H=none, nsub=0, w=([0.0] if solver == 'newton' else [b0]) + [0.0] * k, prev=none, loss=(none if solver == 'newton' else loss0), step=1.0, done=false, grad=(none if solver == 'newton' else grad0), record=true,
        delta=none, pg=none, S=[], Y=[], gamma=n / (p0 * (1 - p0) * (wpos + wneg)), pending=none, dir=none, scale=1.0) -%}
  {%- set history = [] -%}
  {%- for it in range(max_iter) -%}
  {%- if not st.done -%}
    {%- set t0 = modules.datetime.datetime.now().timestamp() -%}
    {%- set st.record = true -%}
    {%- set w = st.w -%}
    {%- if solver != 'lbfgs' -%}
      {%- do logistic_regression__write_weights(weights_rel, [w]) -%}
    {%- endif -%}
    {%- set scan_rows = ns if st.phase == 'sample' else n -%}
    {%- if solver == 'newton' -%}
    {%- if st.phase == 'subsampled' -%}
      {#- The exact loss and gradient on all rows; the Hessian stays the sample's. -#}
      {%- set r = run_query(logistic_regression__scan_prefix() ~ logistic_regression__gd_sql(data_rel, weights_rel, k, [0.0], none, weighted)).rows[0] -%}
      {%- set loss = r[0] / n + l2 / (2 * n) * logistic_regression__sumsq(w[1:]) -%}
      {%- set g = logistic_regression__grad(r, 1, k, n, l2, w) -%}
      {%- set H = st.H -%}
      {%- set st.nsub = st.nsub + 1 -%}
    {%- else -%}
      {#- On the sample the sums are means over its m rows and the penalty keeps the full
          problem's l2 / n per row: l2 * m / n over m rows. -#}
      {%- set m = scan_rows -%}{%- set lm = l2 * m / n -%}
      {%- set r = run_query(logistic_regression__scan_prefix() ~ logistic_regression__newton_sql(sample_rel if st.phase == 'sample' else data_rel, weights_rel, k, weighted)).rows[0] -%}
      {%- set loss = r[0] / m + lm / (2 * m) * logistic_regression__sumsq(w[1:]) -%}
      {%- set g = logistic_regression__grad(r, 1, k, m, lm, w) -%}
      {%- set H = [] -%}
      {%- for a in range(k + 1) -%}{%- do H.append([0.0] * (k + 1)) -%}{%- endfor -%}
      {%- set hi = namespace(idx=2 + k) -%}
      {%- for a in range(k + 1) -%}
        {%- for b in range(a, k + 1) -%}
          {%- set v = r[hi.idx] / m + (lm / m if a == b and a > 0 else 0.0) -%}
          {%- do H[a].pop(b) -%}{%- do H[a].insert(b, v) -%}
          {%- if a != b -%}{%- do H[b].pop(a) -%}{%- do H[b].insert(a, v) -%}{%- endif -%}
          {%- set hi.idx = hi.idx + 1 -%}
        {%- endfor -%}
      {%- endfor -%}
      {%- set st.H = H -%}
    {%- endif -%}
      {%- set step = 1.0 -%}
      {#- loss is the loss at w: stop before stepping once the last step gained too little. -#}
      {%- if st.loss is not none and loss - st.loss > tol * st.loss and st.step > 1e-6 -%}
        {#- The Newton step increased the loss (the quadratic model is poor far from the
            optimum, e.g. from the start point on skewed features): go back and take half of
            it. The scan's row keeps the previous point's loss and gradient. -#}
        {%- set st.step = st.step / 2 -%}{%- set step = st.step -%}
        {%- set new_w = [] -%}
        {%- for j in range(k + 1) -%}{%- do new_w.append(st.prev[j] - st.step * st.delta[j]) -%}{%- endfor -%}
        {%- set st.w = new_w -%}
        {%- set loss = st.loss -%}{%- set g = st.pg -%}
      {%- elif st.loss is not none and (st.loss - loss) <= tol * st.loss -%}
        {%- set st.done = true -%}
        {%- if loss > st.loss -%}
          {#- The full Newton step overshot: keep the previous point and its history. -#}
          {%- set st.w = st.prev -%}{%- set st.record = false -%}
        {%- endif -%}
      {%- else -%}
        {%- set st.prev = w -%}{%- set st.pg = g -%}{%- set st.step = 1.0 -%}
        {%- set delta = logistic_regression__solve(H, g) -%}
        {%- set st.delta = delta -%}
        {%- set new_w = [] -%}
        {%- for j in range(k + 1) -%}{%- do new_w.append(w[j] - delta[j]) -%}{%- endfor -%}
        {%- set st.w = new_w -%}
        {%- set st.loss = loss -%}
        {#- Half the Newton decrement g.H^-1 g predicts the step's gain: when below tol, take
            the step and stop without the scan that would only confirm it (at full scale one
            of 8 Newton scans, one of 3 after a warm start). -#}
        {%- if logistic_regression__dot(g, delta) / 2 <= tol * loss -%}{%- set st.done = true -%}{%- endif -%}
      {%- endif -%}
      {%- if st.done and st.phase == 'sample' -%}
        {#- The sample's optimum is the warm start: continue from it on all rows. -#}
        {%- set st.phase = 'subsampled' -%}{%- set st.done = false -%}
        {%- set st.loss = none -%}{%- set st.step = 1.0 -%}
      {%- elif st.phase == 'subsampled' and st.nsub >= 3 -%}
        {#- A small sample's Hessian converges slowly (5,000 rows, a 1/4 sample: 30 gradient
            scans to tol 1e-12): after 3 gradient scans, full Newton scans finish. -#}
        {%- set st.phase = 'full' -%}
      {%- endif -%}
    {%- elif solver == 'lbfgs' -%}
      {%- if st.pending is none -%}
        {%- set d = logistic_regression__lbfgs_direction(st.grad, st.S, st.Y, st.gamma) -%}
        {%- if logistic_regression__dot(st.grad, d) >= 0 -%}
          {#- Not a descent direction (rounding near the optimum): forget the history. -#}
          {%- set st.S = [] -%}{%- set st.Y = [] -%}
          {%- set d = logistic_regression__lbfgs_direction(st.grad, [], [], st.gamma) -%}
        {%- endif -%}
        {%- set steps = [st.scale, st.scale * 0.5, st.scale * 0.25, st.scale * 0.1] -%}
      {%- else -%}
        {%- set d = st.dir -%}{%- set steps = [st.pending] -%}
      {%- endif -%}
      {%- set dd0 = logistic_regression__dot(st.grad, d) -%}
      {#- Without remembered curvature (the first step, a restart) the scale of d is a guess,
          so that scan gets the full gradient at every step; otherwise only at the first. -#}
      {%- set nfull = (steps | length) if (st.S | length) == 0 else 1 -%}
      {%- set r = run_query(logistic_regression__scan_prefix() ~ logistic_regression__lbfgs_sql(data_rel, k, w, d, steps, nfull, weighted)).rows[0] -%}
      {#- The best step meeting Armijo (sufficient decrease), preferring those with a full
          gradient (no extra scan), then those also meeting the strong Wolfe curvature
          condition |phi'(a)| <= 0.9 |phi'(0)|, then the lowest loss. -#}
      {%- set best = namespace(i=none, key=none, loss=none, w=none) -%}
      {%- for i in range(steps | length) -%}
        {%- set a = steps[i] -%}
        {%- set cand = [] -%}
        {%- for j in range(k + 1) -%}{%- do cand.append(w[j] + a * d[j]) -%}{%- endfor -%}
        {%- set off = i * (k + 2) if i < nfull else nfull * (k + 2) + 2 * (i - nfull) -%}
        {%- set l = r[off] / n + l2 / (2 * n) * logistic_regression__sumsq(cand[1:]) -%}
        {%- if i < nfull -%}
          {%- set dd = logistic_regression__dot(logistic_regression__grad(r, off + 1, k, n, l2, cand), d) -%}
        {%- else -%}
          {%- set dd = r[off + 1] / n + l2 / n * logistic_regression__dot(cand[1:], d[1:]) -%}
        {%- endif -%}
        {%- set key = [1 if i < nfull else 0, 1 if (dd | abs) <= 0.9 * (dd0 | abs) else 0, -l] -%}
        {%- if l <= st.loss + 0.0001 * a * dd0 and (best.i is none or key > best.key) -%}
          {%- set best.i = i -%}{%- set best.key = key -%}{%- set best.loss = l -%}{%- set best.w = cand -%}
        {%- endif -%}
      {%- endfor -%}
      {%- set step = steps[0] if best.i is none else steps[best.i] -%}
      {%- if best.i is not none and best.i < nfull -%}
        {#- Take the step; remember it when the curvature s.y is positive. -#}
        {%- set new_g = logistic_regression__grad(r, best.i * (k + 2) + 1, k, n, l2, best.w) -%}
        {%- set sv = [] -%}{%- set yv = [] -%}
        {%- for j in range(k + 1) -%}{%- do sv.append(step * d[j]) -%}{%- do yv.append(new_g[j] - st.grad[j]) -%}{%- endfor -%}
        {%- set sy = logistic_regression__dot(sv, yv) -%}
        {%- if sy > 1e-12 * (logistic_regression__sumsq(sv) * logistic_regression__sumsq(yv)) ** 0.5 -%}
          {%- set st.S = (st.S + [sv])[-memory:] -%}{%- set st.Y = (st.Y + [yv])[-memory:] -%}
          {%- set st.gamma = sy / logistic_regression__sumsq(yv) -%}
        {%- endif -%}
        {%- set gain = (st.loss - best.loss) / st.loss -%}
        {%- set st.w = best.w -%}{%- set st.grad = new_g -%}{%- set st.loss = best.loss -%}
        {%- set st.pending = none -%}{%- set st.scale = 1.0 -%}
        {%- if gain <= tol -%}{%- set st.done = true -%}{%- endif -%}
      {%- elif best.i is not none -%}
        {#- A backup step: the next scan evaluates its gradient along the same direction. -#}
        {%- set st.pending = step -%}{%- set st.dir = d -%}
      {%- else -%}
        {%- set st.pending = none -%}{%- set st.scale = steps[-1] * 0.1 -%}
        {%- if st.scale < 1e-10 -%}{%- set st.done = true -%}{%- endif -%}
      {%- endif -%}
      {%- set loss = st.loss -%}
      {%- set g = st.grad -%}
    {%- else -%}
      {#- Gradient descent: a first scan gets loss and gradient at w; every later scan
          evaluates loss and gradient at each candidate step along -gradient and keeps the
          best; when none improves, the step shrinks and the point stays. -#}
      {%- if st.grad is none -%}
        {%- set r0 = run_query(logistic_regression__scan_prefix() ~ logistic_regression__gd_sql(data_rel, weights_rel, k, [0.0], none, weighted)).rows[0] -%}
        {%- set st.grad = logistic_regression__grad(r0, 1, k, n, l2, w) -%}
        {%- set st.loss = r0[0] / n + l2 / (2 * n) * logistic_regression__sumsq(w[1:]) -%}
      {%- endif -%}
      {%- if learning_rate == 'line_search' -%}
        {%- set steps = [st.step * 4, st.step * 2, st.step, st.step / 2] -%}
      {%- else -%}
        {%- set steps = [learning_rate | float] -%}
      {%- endif -%}
      {%- set r = run_query(logistic_regression__scan_prefix() ~ logistic_regression__gd_sql(data_rel, weights_rel, k, steps, st.grad, weighted)).rows[0] -%}
      {%- set best = namespace(i=0, loss=none, w=none) -%}
      {%- for i in range(steps | length) -%}
        {%- set cand = [] -%}
        {%- for j in range(k + 1) -%}{%- do cand.append(w[j] - steps[i] * st.grad[j]) -%}{%- endfor -%}
        {%- set l = r[i * (k + 2)] / n + l2 / (2 * n) * logistic_regression__sumsq(cand[1:]) -%}
        {%- if best.loss is none or l < best.loss -%}
          {%- set best.i = i -%}{%- set best.loss = l -%}{%- set best.w = cand -%}
        {%- endif -%}
      {%- endfor -%}
      {%- set step = steps[best.i] -%}
      {%- if best.loss < st.loss -%}
        {%- set gain = (st.loss - best.loss) / st.loss -%}
        {%- set st.w = best.w -%}
        {%- set st.grad = logistic_regression__grad(r, best.i * (k + 2) + 1, k, n, l2, best.w) -%}
        {%- set st.loss = best.loss -%}
        {%- set st.step = step -%}
        {%- if gain <= tol -%}{%- set st.done = true -%}{%- endif -%}
      {%- else -%}
        {%- set st.step = steps[-1] / 8 -%}
        {%- if st.step < 1e-12 -%}{%- set st.done = true -%}{%- endif -%}
      {%- endif -%}
      {%- set loss = st.loss -%}
      {%- set g = st.grad -%}
    {%- endif -%}
    {%- set t1 = modules.datetime.datetime.now().timestamp() -%}
    {%- if st.record -%}
      {%- do history.append([it + 1, loss, logistic_regression__sumsq(g) ** 0.5, step, t1 - t0, scan_rows | int]) -%}
      {#- Each scan's loss on gdbt's progress channel: the live line, the heartbeat and the
          debug log show it while the model trains (dbt has no such call: skipped there). -#}
      {%- if gdbt_progress is defined -%}
        {%- do gdbt_progress(it + 1, max_iter, loss=loss, grad_norm=history[-1][2], step_size=step, rows=scan_rows | int) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endif -%}
  {%- endfor -%}
  {%- set w = st.w -%}
  {%- do logistic_regression__write_weights(weights_rel, [w]) -%}

  {#- 4. The model and its history, built under temporary names and swapped in. -#}
  {% call statement('main') -%}
    drop table if exists {{ tmp_rel }};
    create table {{ tmp_rel }} as
    select * from (values
      ('(intercept)', {{ w[0] }}, 0.0, 1.0)
      {%- for f in features %},
      ('{{ f }}', {{ w[loop.index] }}, {{ means[loop.index0] }}, {{ stds[loop.index0] }})
      {%- endfor %}
    ) as model(feature, weight, mean, std)
  {%- endcall %}
  {% call statement('lr_history') -%}
    drop table if exists {{ tmp_history_rel }};
    create table {{ tmp_history_rel }} as
    select * from (values
      {%- for h in history %}
      ({{ h[0] }}, {{ h[1] }}, {{ h[2] }}, {{ h[3] }}, {{ h[4] }}, {{ h[5] }}){{ "," if not loop.last }}
      {%- endfor %}
    ) as history(iteration, loss, grad_norm, step_size, duration_s, n_rows)
  {%- endcall %}
  {{ logistic_regression__swap([(tmp_rel, this), (tmp_history_rel, history_rel)]) }}
  {% do adapter.drop_relation(raw_rel) %}
  {% do adapter.drop_relation(z_rel) %}
  {% do adapter.drop_relation(weights_rel) %}
  {% do adapter.drop_relation(sample_rel) %}

  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [this, history_rel]}) }}
{% endmaterialization %}

{#- Puts every tmp of pairs (tmp, target) in its target's place in one transaction, as the
    built-in table materialization's swap does (get_swap_sql): each existing target becomes
    <target>__dbt_backup, each tmp takes its target's name, the backups are dropped, then one
    commit. A process death anywhere before the commit leaves the previous model and history
    in place together; after it, both are the new run's. Backups a crashed earlier run left
    are dropped first. -#}
{% macro logistic_regression__swap(pairs) %}
  {%- set steps = [] -%}
  {%- for tmp, target in pairs -%}
    {%- set backup = api.Relation.create(database=target.database, schema=target.schema, identifier=target.identifier ~ '__dbt_backup', type='table') -%}
    {%- set existing = adapter.get_relation(database=target.database, schema=target.schema, identifier=target.identifier) -%}
    {%- do adapter.drop_relation(backup) -%}
    {%- do steps.append((tmp, target, existing, backup)) -%}
  {%- endfor -%}
  {%- call statement('lr_swap') -%}
    begin;
    {%- for tmp, target, existing, backup in steps %}
    {%- if existing is not none %}
    {{ get_rename_sql(existing, backup.identifier) }};
    {%- endif %}
    {{ get_rename_sql(tmp, target.identifier) }};
    {%- endfor %}
    {%- for tmp, target, existing, backup in steps if existing is not none %}
    {{ get_drop_sql(backup) }};
    {%- endfor %}
    commit
  {%- endcall -%}
{% endmacro %}

{% macro logistic_regression__write_weights(rel, rows) %}
  {% call statement('lr_weights') -%}
    drop table if exists {{ rel }};
    create {{ logistic_regression__scratch_kind() }}table {{ rel }} as
    select * from (values
      {%- for w in rows %}
      ({% for x in w %}{{ x }}{{ ", " if not loop.last }}{% endfor %}){{ "," if not loop.last }}
      {%- endfor %}
    ) as weights({% for x in rows[0] %}w{{ loop.index0 }}{{ ", " if not loop.last }}{% endfor %})
  {%- endcall %}
{% endmacro %}

{#- The linear score s = w0 + sum(wj * zj), clamped so exp() cannot overflow. -#}
{% macro logistic_regression__score_expr(k, prefix='w.', step=none, grad=none) -%}
  least(greatest(
  {%- if step is none -%}
    {{ prefix }}w0{% for j in range(1, k + 1) %} + {{ prefix }}w{{ j }} * d.z{{ j }}{% endfor %}
  {%- else -%}
    ({{ prefix }}w0 - {{ step * grad[0] }}){% for j in range(1, k + 1) %} + ({{ prefix }}w{{ j }} - {{ step * grad[j] }}) * d.z{{ j }}{% endfor %}
  {%- endif -%}
  , -35), 35)
{%- endmacro %}

{#- Loss (weighted, summed), gradient (k+1 sums) and the upper triangle of the Hessian. -#}
{% macro logistic_regression__newton_sql(data_rel, weights_rel, k, weighted=true) %}
  {%- set cwm = 'cw * ' if weighted else '' -%}
  {#- cols[0] is the intercept's column of ones: its products are left out. -#}
  {%- set cols = [''] -%}
  {%- for j in range(1, k + 1) %}{% do cols.append(' * z' ~ j) %}{% endfor -%}
  select
    sum({{ cwm }}(greatest(s, 0) - y * s + ln(1 + exp(-abs(s))))) as loss
    {%- for j in range(k + 1) %},
    sum(r{{ cols[j] }}) as g{{ j }}
    {%- endfor %}
    {%- for a in range(k + 1) %}{% for b in range(a, k + 1) %},
    sum(q{{ cols[a] }}{{ cols[b] }}) as h{{ a }}_{{ b }}
    {%- endfor %}{% endfor %}
  from (
    select pr.*, {{ cwm }}(p - y) as r, {{ cwm }}p * (1.0 - p) as q
    from (
      select sc.*, 1.0 / (1.0 + exp(-s)) as p
      from (
        select d.*, {{ logistic_regression__score_expr(k) }} as s
        from {{ data_rel }} as d cross join {{ weights_rel }} as w
        {{ logistic_regression__fence() }}
      ) as sc
      {{ logistic_regression__fence() }}
    ) as pr
    {{ logistic_regression__fence() }}
  ) as t
{% endmacro %}

{#- For each step size: loss and gradient at w - step * grad (one scan for all steps). -#}
{% macro logistic_regression__gd_sql(data_rel, weights_rel, k, steps, grad, weighted=true) %}
  {%- set cwm = 'cw * ' if weighted else '' -%}
  select
  {%- for i in range(steps | length) %}
    {%- set s = 's' ~ i %}{% set p = '(1.0 / (1.0 + exp(-s' ~ i ~ ')))' %}
    {{ "," if not loop.first }}
    sum({{ cwm }}(greatest({{ s }}, 0) - y * {{ s }} + ln(1 + exp(-abs({{ s }}))))) as loss{{ i }},
    sum({{ cwm }}({{ p }} - y)) as g{{ i }}_0
    {%- for j in range(1, k + 1) %},
    sum({{ cwm }}({{ p }} - y) * z{{ j }}) as g{{ i }}_{{ j }}
    {%- endfor %}
  {%- endfor %}
  from (
    select d.*
    {%- for i in range(steps | length) %},
      {% if grad is none %}{{ logistic_regression__score_expr(k) }}{% else %}{{ logistic_regression__score_expr(k, step=steps[i], grad=grad) }}{% endif %} as s{{ i }}
    {%- endfor %}
    from {{ data_rel }} as d cross join {{ weights_rel }} as w
    {{ logistic_regression__fence() }}
  ) as t
{% endmacro %}

{#- One lbfgs scan along direction d from w: the loss and the k+1 gradient sums at each of the
    first nfull steps, the loss and the directional-derivative sum at each further step. The
    scores u = w.z and v = d.z are computed once per row (the innermost subquery), so each
    step adds one multiply-add per row to its score instead of a k-term dot product. -#}
{% macro logistic_regression__lbfgs_sql(data_rel, k, w, d, steps, nfull, weighted) %}
  {%- set cwm = 'cw * ' if weighted else '' -%}
  select
    {%- for i in range(steps | length) %}
    {{ "," if not loop.first }}
    sum({{ cwm }}(greatest(s{{ i }}, 0) - y * s{{ i }} + ln(1 + e{{ i }}))) as loss{{ i }},
    {%- if i < nfull %}
    sum(r{{ i }}) as g{{ i }}_0
    {%- for j in range(1, k + 1) %},
    sum(r{{ i }} * z{{ j }}) as g{{ i }}_{{ j }}
    {%- endfor %}
    {%- else %}
    sum(r{{ i }} * v) as dd{{ i }}
    {%- endif %}
    {%- endfor %}
  from (
    {#- e = exp(-|s|) serves both the loss and the probability (one exp per step and row). -#}
    select ex.*
    {%- for i in range(steps | length) %},
      {{ cwm }}((case when s{{ i }} >= 0 then 1.0 else e{{ i }} end) / (1.0 + e{{ i }}) - y) as r{{ i }}
    {%- endfor %}
    from (
    select sc.*
    {%- for i in range(steps | length) %},
      exp(-abs(s{{ i }})) as e{{ i }}
    {%- endfor %}
    from (
      select uv.*
      {%- for i in range(steps | length) %},
        least(greatest(u + {{ steps[i] }} * v, -35), 35) as s{{ i }}
      {%- endfor %}
      from (
        select {{ 'd.cw, ' if weighted }}d.y{% for j in range(1, k + 1) %}, d.z{{ j }}{% endfor %},
          {{ w[0] }}{% for j in range(1, k + 1) %} + {{ w[j] }} * d.z{{ j }}{% endfor %} as u,
          {{ d[0] }}{% for j in range(1, k + 1) %} + {{ d[j] }} * d.z{{ j }}{% endfor %} as v
        from {{ data_rel }} as d
        {{ logistic_regression__fence() }}
      ) as uv
      {{ logistic_regression__fence() }}
    ) as sc
    {{ logistic_regression__fence() }}
    ) as ex
    {{ logistic_regression__fence() }}
  ) as t
{% endmacro %}

{#- The L-BFGS direction -H g by the two-loop recursion over the remembered steps S and
    gradient changes Y (oldest first), with gamma * I as the initial inverse Hessian. -#}
{% macro logistic_regression__lbfgs_direction(g, S, Y, gamma) %}
  {%- set q = namespace(v=g) -%}
  {%- set alphas = [0.0] * (S | length) -%}
  {%- for i in range((S | length) - 1, -1, -1) -%}
    {%- set a = logistic_regression__dot(S[i], q.v) / logistic_regression__dot(Y[i], S[i]) -%}
    {%- do alphas.pop(i) -%}{%- do alphas.insert(i, a) -%}
    {%- set nq = [] -%}
    {%- for j in range(g | length) %}{% do nq.append(q.v[j] - a * Y[i][j]) %}{% endfor -%}
    {%- set q.v = nq -%}
  {%- endfor -%}
  {%- set r = namespace(v=[]) -%}
  {%- for x in q.v %}{% do r.v.append(gamma * x) %}{% endfor -%}
  {%- for i in range(S | length) -%}
    {%- set b = logistic_regression__dot(Y[i], r.v) / logistic_regression__dot(Y[i], S[i]) -%}
    {%- set nr = [] -%}
    {%- for j in range(g | length) %}{% do nr.append(r.v[j] + (alphas[i] - b) * S[i][j]) %}{% endfor -%}
    {%- set r.v = nr -%}
  {%- endfor -%}
  {%- set out = [] -%}
  {%- for x in r.v %}{% do out.append(-x) %}{% endfor -%}
  {{ return(out) }}
{% endmacro %}

{% macro logistic_regression__dot(a, b) %}
  {%- set acc = namespace(s=0.0) -%}
  {%- for i in range(a | length) %}{% set acc.s = acc.s + a[i] * b[i] %}{% endfor -%}
  {{ return(acc.s) }}
{% endmacro %}

{#- The natural logarithm of x > 0 (Jinja has none): x = m 2^e with m in [1, 2), then
    ln m = 2 atanh(t) = 2 (t + t^3/3 + t^5/5 + ...) with t = (m - 1)/(m + 1) <= 1/3, so 30
    terms are exact to rounding. -#}
{% macro logistic_regression__ln(x) %}
  {%- set st = namespace(m=x | float, e=0) -%}
  {%- for i in range(1100) -%}
    {%- if st.m >= 2.0 -%}{%- set st.m = st.m / 2 -%}{%- set st.e = st.e + 1 -%}
    {%- elif st.m < 1.0 -%}{%- set st.m = st.m * 2 -%}{%- set st.e = st.e - 1 -%}{%- endif -%}
  {%- endfor -%}
  {%- set t = (st.m - 1) / (st.m + 1) -%}
  {%- set acc = namespace(s=0.0, p=t) -%}
  {%- for i in range(30) -%}
    {%- set acc.s = acc.s + acc.p / (2 * i + 1) -%}{%- set acc.p = acc.p * t * t -%}
  {%- endfor -%}
  {{ return(2 * acc.s + st.e * 0.6931471805599453) }}
{% endmacro %}

{% macro logistic_regression__grad(r, offset, k, n, l2, w) %}
  {%- set g = [] -%}
  {%- for j in range(k + 1) -%}
    {%- do g.append(r[offset + j] / n + (l2 / n * w[j] if j > 0 else 0.0)) -%}
  {%- endfor -%}
  {{ return(g) }}
{% endmacro %}

{% macro logistic_regression__sumsq(v) %}
  {%- set acc = namespace(s=0.0) -%}
  {%- for x in v %}{% set acc.s = acc.s + x * x %}{% endfor -%}
  {{ return(acc.s) }}
{% endmacro %}

{#- Solves A x = b by Gaussian elimination with partial pivoting (A is small: one row and
    column per feature plus the intercept). -#}
{% macro logistic_regression__solve(A, b) %}
  {%- set n = b | length -%}
  {%- set M = [] -%}
  {%- for i in range(n) %}{% do M.append(A[i] + [b[i]]) %}{% endfor -%}
  {%- for c in range(n) -%}
    {%- set piv = namespace(row=c, size=M[c][c] | abs) -%}
    {%- for r in range(c + 1, n) -%}
      {%- if (M[r][c] | abs) > piv.size %}{% set piv.row = r %}{% set piv.size = M[r][c] | abs %}{% endif -%}
    {%- endfor -%}
    {%- if piv.size < 1e-300 -%}
      {{ exceptions.raise_compiler_error("logistic_regression: the Hessian is singular (a feature is constant or duplicated)") }}
    {%- endif -%}
    {%- if piv.row != c -%}
      {%- set top = M[c] %}{% set other = M[piv.row] -%}
      {%- do M.pop(c) %}{% do M.insert(c, other) -%}
      {%- do M.pop(piv.row) %}{% do M.insert(piv.row, top) -%}
    {%- endif -%}
    {%- for r in range(c + 1, n) -%}
      {%- set f = M[r][c] / M[c][c] -%}
      {%- if f != 0 -%}
        {%- set row = [] -%}
        {%- for j in range(n + 1) %}{% do row.append(M[r][j] - f * M[c][j]) %}{% endfor -%}
        {%- do M.pop(r) %}{% do M.insert(r, row) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- set x = [0.0] * n -%}
  {%- for i in range(n - 1, -1, -1) -%}
    {%- set acc = namespace(s=M[i][n]) -%}
    {%- for j in range(i + 1, n) %}{% set acc.s = acc.s - M[i][j] * x[j] %}{% endfor -%}
    {%- do x.pop(i) %}{% do x.insert(i, acc.s / M[i][i]) -%}
  {%- endfor -%}
  {{ return(x) }}
{% endmacro %}

{#- A SELECT adding column `as_name` with the model's probability to every row of `relation`
    (which must have the model's feature columns). The model table is pivoted to one row,
    so scoring is a single scan with no per-row lookups. -#}
{% macro logistic_regression_score(model, relation, features, as_name='probability') %}
  {%- set dbl = dbt.type_float() -%}
  select
    r.*,
    1.0 / (1.0 + exp(-least(greatest(
      m.w__intercept
      {%- for f in features %}
      + coalesce((cast(r.{{ f }} as {{ dbl }}) - m.mean__{{ f }}) / m.std__{{ f }}, 0) * m.w__{{ f }}
      {%- endfor %}
    , -35), 35))) as {{ as_name }}
  from {{ relation }} as r
  cross join (
    select
      max(case when feature = '(intercept)' then weight end) as w__intercept
      {%- for f in features %},
      max(case when feature = '{{ f }}' then weight end) as w__{{ f }},
      max(case when feature = '{{ f }}' then mean end) as mean__{{ f }},
      max(case when feature = '{{ f }}' then std end) as std__{{ f }}
      {%- endfor %}
    from {{ model }}
  ) as m
{% endmacro %}

{#- True for a fixed pseudo-random share `fraction` of the standardized rows d: the fractional
    digits of a weighted sum of the z's, plain arithmetic so every warehouse gives the same
    sample. -#}
{% macro logistic_regression__sample_filter(k, fraction) -%}
  mod(cast(floor(abs(0.5{% for j in range(1, k + 1) %} + {{ j }} * d.z{{ j }}{% endfor %}) * 1000003) as bigint), 1000000) < {{ (fraction * 1000000) | int }}
{%- endmacro %}

{#- Keeps the planner from inlining a subquery: PostgreSQL would otherwise repeat the score
    expression inside each of the several hundred sums of a scan (measured: 35 s instead of
    0.5 s on 10,000 rows). OFFSET 0 is PostgreSQL's documented optimisation fence. -#}
{% macro logistic_regression__fence() %}{{ return(adapter.dispatch('logistic_regression__fence')()) }}{% endmacro %}
{% macro default__logistic_regression__fence() %}{% endmacro %}
{% macro postgres__logistic_regression__fence() %}offset 0{% endmacro %}

{#- SQL run before each training scan in the same statement string. PostgreSQL's JIT spends
    ~18 s compiling the wide aggregate and cannot be cancelled meanwhile, so it is turned off
    for that one query's transaction. -#}
{% macro logistic_regression__scan_prefix() %}{{ return(adapter.dispatch('logistic_regression__scan_prefix')()) }}{% endmacro %}
{% macro default__logistic_regression__scan_prefix() %}{{ return('') }}{% endmacro %}
{% macro postgres__logistic_regression__scan_prefix() %}{{ return('set local jit = off;\n') }}{% endmacro %}

{#- The standardized data and weights tables are scratch, dropped when the model is built. On
    DuckDB they are temporary tables (catalog temp): kept in memory and never written to the
    database file, which halved the CPU of creating the 6.8 M-row standardized table
    (6.9 s instead of 12.9 s) and spares the checkpoint. Elsewhere they are ordinary tables
    next to the model (a PostgreSQL temporary table cannot be schema-qualified). -#}
{% macro logistic_regression__scratch_relation(base, suffix) %}{{ return(adapter.dispatch('logistic_regression__scratch_relation')(base, suffix)) }}{% endmacro %}
{% macro default__logistic_regression__scratch_relation(base, suffix) %}
  {{ return(api.Relation.create(database=base.database, schema=base.schema, identifier=base.identifier ~ suffix, type='table')) }}
{% endmacro %}
{% macro duckdb__logistic_regression__scratch_relation(base, suffix) %}
  {{ return(api.Relation.create(database='temp', schema='main', identifier=base.identifier ~ suffix, type='table')) }}
{% endmacro %}
{% macro logistic_regression__scratch_kind() %}{{ return(adapter.dispatch('logistic_regression__scratch_kind')()) }}{% endmacro %}
{% macro default__logistic_regression__scratch_kind() %}{{ return('') }}{% endmacro %}
{% macro duckdb__logistic_regression__scratch_kind() %}{{ return('temp ') }}{% endmacro %}
