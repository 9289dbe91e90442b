{#- The model's features: the columns of fct_reorder_candidates the regression uses. One list
    shared by training (models/ml/instacart_model.sql) and scoring, so they cannot drift. -#}
{% macro instacart_features() %}
  {{ return([
      'user_orders', 'user_mean_basket', 'user_mean_days_between', 'user_reorder_ratio',
      'product_orders_log', 'product_reorder_rate', 'product_reorder_probability',
      'product_mean_cart_position',
      'up_times_bought', 'up_reorder_rate', 'up_orders_since_last', 'up_days_since_last',
      'up_streak', 'up_mean_cart_position', 'up_in_last_1', 'up_in_last_3', 'up_in_last_5',
      'up_order_share', 'up_rate_since_first',
      'target_order_hour', 'target_order_dow', 'target_days_since_prior',
  ]) }}
{% endmacro %}
