module github.com/envseal/envseal

go 1.26
