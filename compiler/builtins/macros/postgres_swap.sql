{#- PostgreSQL's swap, keeping the views that read the replaced relation.

    dbt-postgres drops the backup with cascade (dbt-postgres/src/dbt/include/postgres/macros/
    relations/table/drop.sql, view/drop.sql), which silently drops every view on the old
    relation, users' views outside the project included, until a build recreates the ones the
    project owns; a process death in between loses them. Here the whole swap is one
    transaction (one DO block): the old relation is locked, the views and materialized views
    that read it (and those that read them) are listed with their definitions, comments,
    options, grants, owners and indexes, the relations are renamed, the backup is dropped, and
    each dependent is created again, in dependency order, against the new relation. A
    dependent that no longer fits the new relation (it reads a column that is gone) is left
    dropped only if the project owns it (its own build recreates it, as dbt's cascade
    assumes); a view the project does not own makes the swap fail and roll back, naming it,
    so nothing of the user's is dropped without saying so. The dependency query follows
    dbt-postgres's postgres__get_relations (macros/relations.sql): pg_depend rows of
    pg_rewrite rules on pg_class objects.

    Swaps of relations that views read take one advisory lock of the database (held to the
    transaction's end) before they lock their relation. Without it two swaps that share a
    view deadlock: one drops the view with its old relation and, recreating it, needs the
    other relation, which the other swap has locked while it waits to drop the same view
    (dbt-utils' test_safe_divide reads three seeds; its --full-refresh build on four threads
    met this). dbt-postgres only drops (cascade), which needs no lock on the other relation. -#}
{%- macro postgres__get_swap_sql(existing_relation, intermediate_relation, target_relation, backup_relation) -%}
{%- if existing_relation is none -%}
begin;
{{ get_rename_sql(intermediate_relation, target_relation.identifier) }};
commit
{%- else -%}
begin;
do $gdbt_swap$
declare
  old_rel oid := to_regclass({{ gdbt_pg_literal('"' ~ (existing_relation.schema | replace('"', '""')) ~ '"."' ~ (existing_relation.identifier | replace('"', '""')) ~ '"') }});
  old_name text := {{ gdbt_pg_literal(existing_relation.schema ~ '.' ~ existing_relation.identifier) }};
  owned text[] := {{ gdbt_pg_owned_relations() }};
  deps jsonb := '[]';
  d record;
  g record;
  ix text;
  created boolean;
begin
  if old_rel is not null then
    if exists (select 1 from pg_depend dd join pg_rewrite rw on rw.oid = dd.objid
        where dd.classid = 'pg_rewrite'::regclass and dd.refclassid = 'pg_class'::regclass
          and dd.refobjid = old_rel and rw.ev_class <> old_rel) then
      perform pg_advisory_xact_lock(hashtextextended('gdbt swap with dependent views: ' || current_database(), 0));
    end if;
    lock table {{ existing_relation }} in access exclusive mode;
    with recursive dep(oid, depth) as (
      select rw.ev_class, 1
      from pg_depend dd join pg_rewrite rw on rw.oid = dd.objid
      where dd.classid = 'pg_rewrite'::regclass and dd.refclassid = 'pg_class'::regclass
        and dd.refobjid = old_rel and rw.ev_class <> old_rel
      union
      select rw.ev_class, dep.depth + 1
      from dep join pg_depend dd on dd.refobjid = dep.oid
        and dd.classid = 'pg_rewrite'::regclass and dd.refclassid = 'pg_class'::regclass
      join pg_rewrite rw on rw.oid = dd.objid
      where rw.ev_class <> dep.oid
    )
    select coalesce(jsonb_agg(jsonb_build_object(
        'rel', format('%I.%I', n.nspname, c.relname),
        'name', n.nspname || '.' || c.relname,
        'kind', case c.relkind when 'm' then 'materialized view' else 'view' end,
        'def', pg_get_viewdef(c.oid),
        'opts', array_to_string(c.reloptions, ', '),
        'comment', obj_description(c.oid, 'pg_class'),
        'owner', pg_get_userbyid(c.relowner),
        'acl', coalesce(c.relacl::text[], '{}'),
        'indexes', (select coalesce(jsonb_agg(pg_get_indexdef(i.indexrelid)), '[]') from pg_index i where i.indrelid = c.oid)
      ) order by x.depth, n.nspname, c.relname), '[]')
    into deps
    from (select oid, max(depth) as depth from dep group by oid) x
    join pg_class c on c.oid = x.oid
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('v', 'm');
    alter {{ gdbt_relation_kind(existing_relation) }} {{ existing_relation }} rename to {{ adapter.quote(backup_relation.identifier) }};
  end if;
  {{ get_rename_sql(intermediate_relation, target_relation.identifier) }};
  if old_rel is not null then
    drop {{ gdbt_relation_kind(existing_relation) }} {{ backup_relation }} cascade;
  end if;
  for d in select e.v from jsonb_array_elements(deps) as e(v) loop
    created := true;
    begin
      execute format('create %s %s%s as %s', d.v->>'kind', d.v->>'rel',
        case when coalesce(d.v->>'opts', '') = '' then '' else ' with (' || (d.v->>'opts') || ')' end,
        rtrim(d.v->>'def', '; '||chr(10)));
    exception when others then
      if not (lower(d.v->>'name') = any(owned)) then
        raise exception '% % reads % and cannot be created again on its new version (%); the project does not own it, so gdbt does not drop it and the swap is rolled back: change or drop that view, then build again', d.v->>'kind', d.v->>'name', old_name, sqlerrm;
      end if;
      created := false;
    end;
    continue when not created;
    for ix in select jsonb_array_elements_text(d.v->'indexes') loop
      execute ix;
    end loop;
    if d.v->>'comment' is not null then
      execute format('comment on %s %s is %L', d.v->>'kind', d.v->>'rel', d.v->>'comment');
    end if;
    if jsonb_array_length(d.v->'acl') > 0 then
      for g in select a.privilege_type, a.is_grantable,
          case when a.grantee = 0 then 'public' else quote_ident(pg_get_userbyid(a.grantee)) end as grantee
        from aclexplode(array(select jsonb_array_elements_text(d.v->'acl'))::aclitem[]) a loop
        execute format('grant %s on %s to %s%s', g.privilege_type, d.v->>'rel', g.grantee,
          case when g.is_grantable then ' with grant option' else '' end);
      end loop;
    end if;
    if d.v->>'owner' <> current_user then
      begin
        execute format('alter %s %s owner to %I', d.v->>'kind', d.v->>'rel', d.v->>'owner');
      exception when insufficient_privilege then
        -- gdbt's role may drop (cascade) but not give away: it keeps the view and grants
        -- the old owner everything on it.
        execute format('grant all on %s to %I with grant option', d.v->>'rel', d.v->>'owner');
      end;
    end if;
  end loop;
end
$gdbt_swap$;
commit
{%- endif -%}
{%- endmacro %}

{#- The relations the project builds, as lowercase 'schema.identifier' strings in a
    PostgreSQL text[] literal: the dependents a swap may leave to their own build. -#}
{%- macro gdbt_pg_owned_relations() -%}
  {%- set names = [] -%}
  {%- for n in graph.nodes.values() -%}
    {%- if n.resource_type in ('model', 'seed', 'snapshot') and n.config.materialized != 'ephemeral' -%}
      {%- do names.append(gdbt_pg_literal((n.schema ~ '.' ~ (n.alias or n.name)) | lower)) -%}
    {%- endif -%}
  {%- endfor -%}
  {{- 'array[' ~ (names | sort | join(', ')) ~ ']::text[]' -}}
{%- endmacro %}

{#- A PostgreSQL string literal. -#}
{%- macro gdbt_pg_literal(s) -%}
  {{- "'" ~ (s | replace("'", "''")) ~ "'" -}}
{%- endmacro %}
