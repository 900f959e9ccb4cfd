META
key;value
description;A vote for a project that does not exist
num_projects;2
num_votes;2
budget;100
vote_type;approval
PROJECTS
project_id;cost
1;50
2;60
VOTES
voter_id;vote
a;1,2
b;1,3
