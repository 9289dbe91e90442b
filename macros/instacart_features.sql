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

{#- 'validation' or 'train' for a user: a fixed multiplicative hash of user_id puts about
    var('validation_pct') percent of users in 'validation', the same on every engine and run.
    Shared by fct_reorder_training_data, which splits the labelled rows, and
    eval_validation_predictions, which picks the held-out users' scores, so the two agree. -#}
{% macro instacart_split(user_id) -%}
    case
        when mod({{ user_id }} * 2654435761, 100) < {{ var('validation_pct') }} then 'validation'
        else 'train'
    end
{%- endmacro %}
