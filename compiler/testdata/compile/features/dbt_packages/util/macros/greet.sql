{% macro greet() %}{{ return(adapter.dispatch('greet', 'util')()) }}{% endmacro %}
{% macro default__greet() %}util-greet{% endmacro %}
{% macro farewell() %}{{ return(adapter.dispatch('farewell', 'util')()) }}{% endmacro %}
{% macro default__farewell() %}util-farewell{% endmacro %}
