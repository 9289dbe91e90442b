select 'hello from root' as g, 'main' as s
