META
key;value
budget;100
PROJECTS
project_id;name;cost
1;"never closed;5
VOTES
voter_id;vote
1;1
