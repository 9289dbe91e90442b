select '{{ var("greeting") }}' as g, '{{ this.schema }}' as s
