select 1
{{ ref("x" }}
