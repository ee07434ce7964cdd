from course import create_app

app = create_app()
