package io.j8s.examples.josdk;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the user asks for: how many replicas of which image, serving on which port. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WebAppSpec {
    private int replicas = 1;
    private String image;
    /** Null: the server's default from the CRD's schema (8080). */
    private Integer port;

    public int getReplicas() {
        return replicas;
    }

    public void setReplicas(int replicas) {
        this.replicas = replicas;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public Integer getPort() {
        return port;
    }

    public void setPort(Integer port) {
        this.port = port;
    }
}
