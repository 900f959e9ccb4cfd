META
key;value
description;Example election
num_projects;3
num_votes;4
budget;100000
vote_type;approval
PROJECTS
project_id;name;cost;votes;selected;district
1;Project 1;5000;3;1;North
2;"Project ""2""";10000;2;1;
3;Project 3;85000;;1;South
VOTES
voter_id;age;vote;sex
1;31;1,2;F
2;;1;
2;70;3;M
4;18;1, 2, 3;
