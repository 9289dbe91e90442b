select score
from "e2e"."main"."v_people"
where score is null
