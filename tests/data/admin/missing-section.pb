META
key;value
description;No votes section
num_projects;1
num_votes;1
budget;100
vote_type;approval
PROJECTS
project_id;cost
1;50
